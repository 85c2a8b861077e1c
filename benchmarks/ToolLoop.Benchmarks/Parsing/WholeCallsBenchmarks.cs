using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 1, calls: whole-message parsing per family of ~8 KB of reasoning then three calls with ~1 KB of arguments, and of
/// one <c>write_file</c> call whose content is a long escaped code string (~1k, ~4k, ~16k tokens). Baselines in the same
/// run: (a) the floor scan of the whole output; (b) <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
/// of the calls' JSON alone (what reading the arguments costs with no markup to find).
/// </summary>
/// <remarks><c>MB/s</c> is the whole output's size over the time, for every row, so the rows compare directly.</remarks>
public class WholeCallsBenchmarks
{
    private FloorScan _floor = null!;

    /// <summary>Gets the inputs: every family's reasoning-then-calls output and its write_file call at each size.</summary>
    public static IEnumerable<ParserInput> Inputs() => ParserInputs.Families.SelectMany(f =>
        new[] { ParserInputs.ReasoningThenCalls(f) }.Concat(ParserInputs.TokenSizes.Select(t => ParserInputs.WriteFile(f, t))));

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

    /// <summary>Baseline (b): <see cref="JsonDocument"/> parses each call's JSON object alone.</summary>
    [Benchmark]
    public int JsonDocumentOfCalls()
    {
        int n = 0;
        foreach (var json in Input.CallJsonUtf8)
        {
            using var document = JsonDocument.Parse(json);
            n += document.RootElement.GetPropertyCount();
        }

        return n;
    }

    /// <summary>The string entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseString() => ToolCallParser.Parse(Input.Text, Input.Format, Input.Options);

    /// <summary>The UTF-8 entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseUtf8() => ToolCallParser.Parse(Input.Utf8, Input.Format, Input.Options);
}
