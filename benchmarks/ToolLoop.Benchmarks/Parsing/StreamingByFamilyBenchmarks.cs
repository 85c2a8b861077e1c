using BenchmarkDotNet.Attributes;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 2 for every family: prose and one long <c>write_file</c> call at 1k and 16k tokens, streamed in 4-byte and
/// 4-char chunks. The per-chunk cost at 16k must be within 1.3× of 1k (the re-parse baseline is measured on Hermes in
/// <see cref="StreamingBenchmarks"/>; it does not depend on the family's markup).
/// </summary>
public class StreamingByFamilyBenchmarks
{
    private readonly List<ToolCallParseEvent> _events = new(64);

    /// <summary>Gets the inputs.</summary>
    public static IEnumerable<ParserInput> Inputs() => ParserInputs.Families.SelectMany(f => new[]
    {
        ParserInputs.Prose(f, 1024 * ParserInputs.BytesPerToken, "prose-1k"),
        ParserInputs.Prose(f, 16384 * ParserInputs.BytesPerToken, "prose-16k"),
        ParserInputs.WriteFile(f, 1024),
        ParserInputs.WriteFile(f, 16384),
    });

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public ParserInput Input { get; set; } = null!;

    /// <summary>Checks the streamed parse both ways.</summary>
    [GlobalSetup]
    public void Setup() => ChunkFeeder.Verify(Input);

    /// <summary>The UTF-8 entry, 4-byte chunks.</summary>
    [Benchmark(Baseline = true)]
    [UnitsFrom(nameof(ParserInput.Units))]
    public int StreamUtf8() => ChunkFeeder.Utf8(Input, _events);

    /// <summary>The string entry, 4-char chunks.</summary>
    [Benchmark]
    [UnitsFrom(nameof(ParserInput.StringChunks))]
    public int StreamString() => ChunkFeeder.String(Input, _events);
}
