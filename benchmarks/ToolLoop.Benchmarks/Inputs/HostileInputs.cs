using ToolLoop.Tests.Parsing;

namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// The hostile shapes of the parser issue, at 256 KB and 1 MB (the same cost per MB at both sizes is what linear
/// means): every family's call opener repeated, the opener less its last character repeated (a near-marker at every
/// position), Qwen3-Coder's <c>&lt;function=</c> flood, and <see cref="ToolCallFormat.Auto"/> with declared tools on a
/// repetition of <c>{"name": "</c> (speculative bare JSON). Prose is the reference.
/// </summary>
internal static class HostileInputs
{
    /// <summary>The sizes.</summary>
    public static IReadOnlyList<int> Sizes { get; } = [256 * 1024, 1024 * 1024];

    /// <summary>Gets every shape at every size.</summary>
    public static IEnumerable<HostileInput> All() => Sizes.SelectMany(Shapes);

    private static IEnumerable<HostileInput> Shapes(int bytes)
    {
        var options = ParserInputs.Options();
        yield return new HostileInput("prose", "hermes", ToolCallFormat.Hermes, options, SyntheticText.Prose(4096, seed: 3), bytes);
        foreach (var family in ParserInputs.Families)
        {
            string opener = family.Markup[0];
            yield return new HostileInput("opener-flood", family.Key, family.Format, options, opener, bytes);
            yield return new HostileInput("prefix-flood", family.Key, family.Format, options, opener[..^1] + " ", bytes);
        }

        yield return new HostileInput("function-flood", "qwen3-coder", ToolCallFormat.Qwen3Coder, options, "<function=", bytes);
        yield return new HostileInput("bare-json-name", "auto", ToolCallFormat.Auto, options, "{\"name\": \"", bytes);
    }
}
