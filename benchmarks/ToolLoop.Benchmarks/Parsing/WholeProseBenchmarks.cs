using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 1, prose: <see cref="ToolCallParser.Parse(string, ToolCallFormat, ToolCallParserOptions?)"/> and the UTF-8 entry
/// on 64 KB of prose with no markers, per family, next to the floor (a vectorised scan for any marker's first character).
/// </summary>
public class WholeProseBenchmarks
{
    private FloorScan _floor = null!;

    /// <summary>Gets the inputs: 64 KB of prose for every family.</summary>
    public static IEnumerable<ParserInput> Inputs() => ParserInputs.Families.Select(f => ParserInputs.Prose(f, 64 * 1024));

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public ParserInput Input { get; set; } = null!;

    /// <summary>Checks the parse and builds the floor's search values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Input.Verify();
        _floor = new FloorScan(Input.Format, Input.Options.Tools.Count > 0);
    }

    /// <summary>Baseline (a): one vectorised scan of the UTF-8 bytes for marker first bytes.</summary>
    [Benchmark(Baseline = true)]
    public int FloorScanUtf8() => _floor.Count(Input.Utf8);

    /// <summary>The string entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseString() => ToolCallParser.Parse(Input.Text, Input.Format, Input.Options);

    /// <summary>The UTF-8 entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseUtf8() => ToolCallParser.Parse(Input.Utf8, Input.Format, Input.Options);
}
