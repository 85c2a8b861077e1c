using Xunit;

namespace ToolLoop.Tests.PublicApi;

/// <summary>
/// Guards the public surface of src/ToolLoop: every public type and member signature, by reflection, compared
/// with the committed ToolLoop.PublicApi.txt. On a mismatch the test writes ToolLoop.PublicApi.received.txt
/// beside it and fails with a diff; run with TOOLLOOP_ACCEPT=1 to accept the new surface.
/// </summary>
public sealed class PublicApiTests
{
    private const string FileName = "ToolLoop.PublicApi.txt";

    [Fact]
    public void PublicApi_MatchesTheCommittedSnapshot()
        => PublicApiWriter.Verify(typeof(ToolLoopChatClient).Assembly, Path.Combine(TestPaths.Root, "tests", "ToolLoop.Tests", "PublicApi", FileName));

    [Fact]
    public void PublicApiWriter_ListsMembersStablyAndSorted()
    {
        var first = PublicApiWriter.Write(typeof(ToolLoopChatClient).Assembly);
        var second = PublicApiWriter.Write(typeof(ToolLoopChatClient).Assembly);
        Assert.Equal(first, second);
        Assert.Contains("public sealed class ToolLoop.ToolLoopChatClient : Microsoft.Extensions.AI.DelegatingChatClient", first, StringComparison.Ordinal);
        Assert.Contains("  public int MaximumIterations { get; set; }", first, StringComparison.Ordinal);
        Assert.Contains("  public const string StopReason = \"toolloop.stop_reason\";", first, StringComparison.Ordinal);
        Assert.DoesNotContain("ToolLoopRun", first, StringComparison.Ordinal);
    }
}
