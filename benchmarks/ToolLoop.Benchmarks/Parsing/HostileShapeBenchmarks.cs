using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Area 3: hostile shapes per MB, parsed whole and streamed in 4-char chunks. Linear means the same <c>MB/s</c> at
/// 256 KB and 1 MB and a bounded <c>examined/char</c>; the <c>× prose</c> column is the time over prose's of the same size
/// and entry (target: a small factor).
/// </summary>
[Config(typeof(HostileConfig))]
public class HostileShapeBenchmarks
{
    private readonly List<ToolCallParseEvent> _events = new(1024);

    /// <summary>Gets the inputs.</summary>
    public static IEnumerable<HostileInput> Inputs() => HostileInputs.All();

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public HostileInput Input { get; set; } = null!;

    /// <summary>Parses once each way: hostile input must not throw.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ParseWhole();
        StreamChunks();
    }

    /// <summary>The string entry, whole.</summary>
    [Benchmark]
    public ToolCallParseResult ParseWhole() => ToolCallParser.Parse(Input.Text, Input.Format, Input.Options);

    /// <summary>The string entry in 4-char chunks.</summary>
    [Benchmark]
    [UnitsFrom(nameof(HostileInput.Units))]
    public int StreamChunks() => ChunkFeeder.String(Input.Text, Input.Format, Input.Options, _events);

    /// <summary>Adds the examined-characters and × prose columns.</summary>
    private sealed class HostileConfig : ManualConfig
    {
        public HostileConfig()
        {
            AddColumn(
                new ExtraFigureColumn("examinedPerChar", "examined/char", "Characters the parser examined per input character (its internal counter; bounded = linear)", perUnit: null),
                new RelativeToProseColumn());
        }
    }
}
