using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// What the whole-message benchmarks share: the input check, the floor scan (baseline (a)) and both entries of
/// <see cref="ToolCallParser"/>. The derived classes supply the inputs.
/// </summary>
public abstract class WholeMessageBenchmarks
{
    private FloorScan _floor = null!;

    /// <summary>Gets the input (a parameter of the derived class).</summary>
    protected abstract ParserInput Message { get; }

    /// <summary>Checks the parse and builds the floor's search values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Message.Verify();
        _floor = new FloorScan(Message.Format, Message.Options.Tools.Count > 0);
    }

    /// <summary>Baseline (a): one vectorised scan of the UTF-8 bytes for marker first bytes.</summary>
    [Benchmark(Baseline = true)]
    public int FloorScanUtf8() => _floor.Count(Message.Utf8);

    /// <summary>The string entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseString() => ToolCallParser.Parse(Message.Text, Message.Format, Message.Options);

    /// <summary>The UTF-8 entry.</summary>
    [Benchmark]
    public ToolCallParseResult ParseUtf8() => ToolCallParser.Parse(Message.Utf8, Message.Format, Message.Options);
}
