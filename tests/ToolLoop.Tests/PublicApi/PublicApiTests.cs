using System.Reflection;
using System.Text;
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
    {
        var actual = PublicApiWriter.Write(typeof(ToolLoopChatClient).Assembly);
        var directory = Path.Combine(FindRepositoryRoot(), "tests", "ToolLoop.Tests", "PublicApi");
        var approvedPath = Path.Combine(directory, FileName);
        var receivedPath = Path.Combine(directory, "ToolLoop.PublicApi.received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("TOOLLOOP_ACCEPT") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail($"The public API of ToolLoop changed. Review the diff, then run the tests with TOOLLOOP_ACCEPT=1 to accept it.\n" +
            $"approved: {approvedPath}\nreceived: {receivedPath}\n{Diff(approved, actual)}");
    }

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

    private static string Diff(string approved, string actual)
    {
        var before = new HashSet<string>(approved.Split('\n'), StringComparer.Ordinal);
        var after = new HashSet<string>(actual.Split('\n'), StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var line in approved.Split('\n').Where(l => !after.Contains(l)))
        {
            sb.Append("- ").AppendLine(line);
        }

        foreach (var line in actual.Split('\n').Where(l => !before.Contains(l)))
        {
            sb.Append("+ ").AppendLine(line);
        }

        return sb.ToString();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ToolLoop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ToolLoop.sln not found above " + AppContext.BaseDirectory);
    }
}
