using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 1, prose: <see cref="ToolCallParser.Parse(string, ToolCallFormat, ToolCallParserOptions?)"/> and the UTF-8 entry
/// on 64 KB of prose with no markers, per family, next to the floor (a vectorised scan for any marker's first character).
/// </summary>
public class WholeProseBenchmarks : WholeMessageBenchmarks
{
    /// <summary>Gets the inputs: 64 KB of prose for every family.</summary>
    public static IEnumerable<ParserInput> Inputs() => ParserInputs.Families.Select(f => ParserInputs.Prose(f, 64 * 1024));

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public ParserInput Input { get; set; } = null!;

    /// <inheritdoc/>
    protected override ParserInput Message => Input;
}
