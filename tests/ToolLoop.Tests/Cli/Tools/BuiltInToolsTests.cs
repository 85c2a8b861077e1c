using Microsoft.Extensions.AI;
using ToolLoop.Cli.Tools;

namespace ToolLoop.Tests.Cli.Tools;

/// <summary>The built-in tools as the model sees and calls them (through <see cref="AIFunction"/>).</summary>
public sealed class BuiltInToolsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("toolloop-tools-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    private IReadOnlyList<AIFunction> Tools() => BuiltInTools.Create(new SandboxFolder(_root), new FixedClock(new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero)));

    private async Task<string?> CallAsync(string name, params (string Key, object? Value)[] args)
    {
        var tool = Tools().Single(t => t.Name == name);
        var result = await tool.InvokeAsync(new AIFunctionArguments(args.ToDictionary(a => a.Key, a => a.Value)), TestContext.Current.CancellationToken);
        return result?.ToString();
    }

    [Fact]
    public void Declares_four_tools_with_described_parameters()
    {
        var tools = Tools();
        Assert.Equal(["get_time", "calculate", "list_files", "read_file"], tools.Select(t => t.Name));
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.Contains("\"expression\"", Tools()[1].JsonSchema.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"required\":[\"path\"]", Tools()[3].JsonSchema.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_time_reads_the_clock_in_the_asked_zone()
    {
        Assert.Equal("2026-03-01T12:30:00+00:00 (Sunday, time zone UTC)", await CallAsync("get_time"));
        Assert.StartsWith("2026-03-01T21:30:00+09:00", await CallAsync("get_time", ("timeZone", "Asia/Tokyo")), StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CallAsync("get_time", ("timeZone", "Mars/Olympus")));
        Assert.Contains("unknown time zone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calculate_and_the_file_tools_run_through_their_functions()
    {
        File.WriteAllText(Path.Combine(_root, "a.txt"), "alpha");
        Assert.Equal("391", await CallAsync("calculate", ("expression", "17 * 23")));
        Assert.Equal("a.txt", await CallAsync("list_files"));
        Assert.Equal("alpha", await CallAsync("read_file", ("path", "a.txt")));
        await Assert.ThrowsAsync<ArgumentException>(() => CallAsync("read_file", ("path", "../a.txt")));
    }
}
