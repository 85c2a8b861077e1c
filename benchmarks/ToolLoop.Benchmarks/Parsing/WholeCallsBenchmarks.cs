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
public class WholeCallsBenchmarks : WholeMessageBenchmarks
{
    /// <summary>
    /// Gets the inputs: every family's reasoning-then-calls output and its write_file call at 1k and 16k tokens (the
    /// ends of <see cref="ParserInputs.TokenSizes"/>, as in the streaming matrix: linearity shows between them, and the
    /// matrix stays affordable), plus Hermes at 4k.
    /// </summary>
    public static IEnumerable<ParserInput> Inputs() => ParserInputs.Families.SelectMany(f =>
        new[] { ParserInputs.ReasoningThenCalls(f) }.Concat(ParserInputs.TokenSizes
            .Where(t => t == ParserInputs.TokenSizes[0] || t == ParserInputs.TokenSizes[^1] || f.Key == "hermes")
            .Select(t => ParserInputs.WriteFile(f, t))));

    /// <summary>Gets or sets the input.</summary>
    [ParamsSource(nameof(Inputs))]
    public ParserInput Input { get; set; } = null!;

    /// <inheritdoc/>
    protected override ParserInput Message => Input;

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
}
