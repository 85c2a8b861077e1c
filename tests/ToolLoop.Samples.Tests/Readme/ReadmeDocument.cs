namespace ToolLoop.Samples.Tests.Readme;

/// <summary>README.md at the repository root, split into its fenced code blocks.</summary>
internal static class ReadmeDocument
{
    public static string Path => System.IO.Path.Combine(SampleProcess.RepositoryRoot, "README.md");

    public static string Text => File.ReadAllText(Path);

    /// <summary>Every fenced block: its info string (<c>csharp</c>, <c>sh</c>, ...), the README line of its first code line, its code.</summary>
    public static IReadOnlyList<ReadmeCodeBlock> Blocks()
    {
        var lines = File.ReadAllLines(Path);
        var blocks = new List<ReadmeCodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var info = lines[i][3..].Trim();
            var start = i + 1;
            var end = start;
            while (end < lines.Length && !lines[end].StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            // An unclosed fence would swallow the rest of the README: that is a README error, not an empty block.
            if (end == lines.Length)
            {
                throw new InvalidOperationException($"README.md line {i + 1}: the code block is never closed");
            }

            blocks.Add(new ReadmeCodeBlock(info, start + 1, string.Join('\n', lines[start..end])));
            i = end;
        }

        return blocks;
    }
}
