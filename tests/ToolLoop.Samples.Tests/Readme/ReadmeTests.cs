using System.Text.RegularExpressions;

namespace ToolLoop.Samples.Tests.Readme;

/// <summary>README.md as a newcomer uses it: every C# block compiles as pasted, every link stays in the repository, and
/// its two commands are the ones the repository runs.</summary>
public sealed partial class ReadmeTests
{
    public static TheoryData<int> CSharpBlockLines()
        => [.. ReadmeDocument.Blocks().Where(b => b.Language == "csharp").Select(b => b.Line)];

    [Theory]
    [MemberData(nameof(CSharpBlockLines))]
    public void A_csharp_block_compiles_as_pasted(int line)
    {
        var block = ReadmeDocument.Blocks().Single(b => b.Line == line);

        var errors = SnippetCompiler.Errors(block);

        Assert.True(errors.Count == 0, $"the C# block at README.md:{line} does not compile:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void The_readme_has_csharp_blocks_and_every_csharp_block_is_marked_csharp()
    {
        var blocks = ReadmeDocument.Blocks();

        Assert.True(blocks.Count(b => b.Language == "csharp") >= 10, "the README's C# blocks were not found");
        // A block fenced as cs or c# would escape the compile test.
        Assert.DoesNotContain(blocks, b => b.Language is "cs" or "c#" or "C#" or "CSharp");
    }

    [Fact]
    public void The_compile_check_fails_a_block_that_does_not_compile()
    {
        // Without `using ToolLoop;`, as the old README's snippets were: the prelude must not supply it.
        var missingUsing = new ReadmeCodeBlock("csharp", 1, "var result = ToolCallParser.Parse(modelText, ToolCallFormat.Hermes);");
        var notCSharp = new ReadmeCodeBlock("csharp", 1, "using ToolLoop;\nvar result = ToolCallParser.Parse(modelText, ToolCallFormat.Hermes);\nresult.Calls;");
        var fine = new ReadmeCodeBlock("csharp", 1, "using ToolLoop;\nvar result = ToolCallParser.Parse(modelText, ToolCallFormat.Hermes);\nConsole.WriteLine(result.Calls.Count);");

        Assert.NotEmpty(SnippetCompiler.Errors(missingUsing));
        Assert.NotEmpty(SnippetCompiler.Errors(notCSharp));
        Assert.Empty(SnippetCompiler.Errors(fine));
    }

    [Fact]
    public void Every_relative_link_points_at_a_file_in_the_repository()
    {
        var root = Path.GetFullPath(SampleProcess.RepositoryRoot) + Path.DirectorySeparatorChar;
        var text = ReadmeDocument.Text;
        var anchors = Heading().Matches(text).Select(h => Slug(h.Groups["title"].Value)).ToHashSet(StringComparer.Ordinal);
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(text))
        {
            var target = link.Groups["target"].Value;
            if (target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("http://", StringComparison.Ordinal))
            {
                continue;
            }

            if (target.StartsWith('#'))
            {
                if (!anchors.Contains(target[1..]))
                {
                    broken.Add(target);
                }

                continue;
            }

            var path = Path.GetFullPath(Path.Combine(root, target.Split('#')[0]));
            if (!path.StartsWith(root, StringComparison.Ordinal) || !(File.Exists(path) || Directory.Exists(path)))
            {
                broken.Add(target);
            }
        }

        Assert.True(broken.Count == 0, "links that leave the repository, name a missing file or a missing heading: " + string.Join(", ", broken));
    }

    [Fact]
    public void The_two_commands_are_the_demo_and_the_test_script_ci_runs()
    {
        var shell = ReadmeDocument.Blocks().Where(b => b.Language == "sh").Select(b => b.Code).ToList();

        Assert.Contains(shell, code => code.Contains("dotnet run --project samples/ToolLoop.Cli -- demo", StringComparison.Ordinal));
        Assert.Contains(shell, code => code.Contains("bash eng/test.sh", StringComparison.Ordinal));
        var ci = File.ReadAllText(Path.Combine(SampleProcess.RepositoryRoot, ".ci", "run"));
        Assert.Contains("bash eng/test.sh", ci, StringComparison.Ordinal);
    }

    // GitHub's heading anchors: lower case, punctuation other than '-' and '_' removed, spaces as '-'.
    private static string Slug(string title)
        => string.Concat(title.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6} (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
