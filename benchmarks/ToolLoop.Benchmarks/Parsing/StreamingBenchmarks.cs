using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Benchmarks.Inputs;
using ToolLoop.Tests.Parsing;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 2: a Hermes output streamed in ~4-byte chunks through the UTF-8 and the string entries, at 1k, 4k and 16k
/// tokens, as prose and as one long <c>write_file</c> call; per-chunk time and allocation must stay flat as the output
/// grows. Baseline in the same run: re-parse the accumulated text on every chunk (<see cref="ReparsePerChunk"/>).
/// </summary>
/// <remarks>
/// One operation is a whole output: a new parser, every chunk (events consumed and cleared after each), and
/// <see cref="StreamingToolCallParser.Complete"/>. Per-chunk columns divide by the chunks of that entry.
/// </remarks>
public class StreamingBenchmarks
{
    private readonly List<ToolCallParseEvent> _events = new(64);
    private ReparsePerChunk _reparse = null!;

    /// <summary>Gets the inputs: Hermes prose and a Hermes write_file call at each size.</summary>
    public static IEnumerable<ParserInput> Inputs() =>
        ParserInputs.TokenSizes.Select(t => ParserInputs.Prose(FamilySamples.Hermes, t * ParserInputs.BytesPerToken, $"prose-{t / 1024}k"))
            .Concat(ParserInputs.TokenSizes.Select(t => ParserInputs.WriteFile(FamilySamples.Hermes, t)));

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public ParserInput Input { get; set; } = null!;

    /// <summary>Checks the streamed parse both ways and sizes the baseline's buffers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ChunkFeeder.Verify(Input);
        _reparse = new ReparsePerChunk("<tool_call>", "</tool_call>", Input.Text.Length);
    }

    /// <summary>Baseline: re-parse the accumulated text on every 4-char chunk.</summary>
    [Benchmark(Baseline = true)]
    [UnitsFrom(nameof(ParserInput.StringChunks))]
    public long ReparseEveryChunk() => _reparse.Run(Input.Text, ParserInput.ChunkSize);

    /// <summary>The UTF-8 entry, 4-byte chunks.</summary>
    [Benchmark]
    [UnitsFrom(nameof(ParserInput.Units))]
    public int StreamUtf8() => ChunkFeeder.Utf8(Input, _events);

    /// <summary>The string entry, 4-char chunks.</summary>
    [Benchmark]
    [UnitsFrom(nameof(ParserInput.StringChunks))]
    public int StreamString() => ChunkFeeder.String(Input, _events);
}
