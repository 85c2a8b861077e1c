namespace ToolLoop.Tests.Cli;

/// <summary><c>toolloop formats</c>: one line per format, its canonical name, then every alias <c>--format</c> accepts.</summary>
public sealed class FormatsCommandTests
{
    [Fact]
    public async Task Lists_every_canonical_name_with_its_aliases()
    {
        var run = await CliRun.RunAsync(string.Empty, "formats");
        Assert.Equal(0, run.Code);
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(Enum.GetValues<ToolCallFormat>().Length + 1, lines.Length);
        // One column for the aliases: every line's second field starts at the same place, after at least two spaces.
        int column = lines[0].IndexOf("aliases", StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.Length > column && l[column] != ' ' && l[column - 1] == ' ' && l[column - 2] == ' ', l));
        foreach (var format in Enum.GetValues<ToolCallFormat>())
        {
            var line = Assert.Single(lines, l => l.Split(' ')[0] == ToolCallFormats.GetName(format));
            var listed = line[ToolCallFormats.GetName(format).Length..].TrimStart(' ').Split(", ");
            var aliases = ToolCallFormats.GetAliases(format);
            if (aliases.Count > 0)
            {
                Assert.Equal(aliases, listed);
            }
        }
    }

    [Fact]
    public async Task Every_listed_alias_is_accepted_by_parse()
    {
        foreach (var alias in Enum.GetValues<ToolCallFormat>().SelectMany(ToolCallFormats.GetAliases))
        {
            Assert.Equal(0, (await CliRun.RunAsync("text", "parse", "--format", alias)).Code);
        }
    }

    [Fact]
    public async Task Arguments_are_a_usage_error()
        => (await CliRun.RunAsync(string.Empty, "formats", "--all")).AssertFailure(2, "takes no arguments");
}
