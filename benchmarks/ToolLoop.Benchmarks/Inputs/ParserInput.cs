using System.Text;
using System.Text.Json;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Tests.Parsing;

namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// One model output as a family writes it, with what parsing it must give (checked before measuring, so a benchmark
/// never times a parse that went wrong), its UTF-8 bytes and its 4-byte / 4-char chunking.
/// </summary>
public sealed class ParserInput : IMeasuredInput, IExtraFigures
{
    /// <summary>The chunk size a runtime streams: about one token.</summary>
    public const int ChunkSize = 4;

    private readonly Lazy<(long Whole, long Utf8Chunks, long StringChunks)> _outputBytes;

    internal ParserInput(string shape, FamilySample family, string text, ToolCallParserOptions options, IReadOnlyList<ExpectedCall> expected)
    {
        Shape = shape;
        Family = family;
        Text = text;
        Options = options;
        Expected = expected;
        Utf8 = Encoding.UTF8.GetBytes(text);
        CallJsonUtf8 = [.. expected.Select(c => Encoding.UTF8.GetBytes(c.CallJson))];
        _outputBytes = new(MeasureOutput);
    }

    /// <summary>Gets the input's shape (<c>prose-64KB</c>, <c>reasoning+3calls</c>, <c>write_file-4k</c>, …).</summary>
    public string Shape { get; }

    internal FamilySample Family { get; }

    /// <summary>Gets the format the input is parsed with.</summary>
    public ToolCallFormat Format => Family.Format;

    /// <summary>Gets the model output.</summary>
    public string Text { get; }

    /// <summary>Gets the model output in UTF-8.</summary>
    public byte[] Utf8 { get; }

    /// <summary>Gets the parser options: the declared tools a parsing client would pass.</summary>
    public ToolCallParserOptions Options { get; }

    /// <summary>Gets the calls the output holds, each as the plain JSON call object <c>{"name": …, "arguments": …}</c> in UTF-8 (the JSON baseline parses these).</summary>
    public IReadOnlyList<byte[]> CallJsonUtf8 { get; }

    internal IReadOnlyList<ExpectedCall> Expected { get; }

    /// <inheritdoc/>
    public long Bytes => Utf8.Length;

    /// <summary>Gets how many 4-byte chunks the UTF-8 entry is fed (the string entry is fed 4-char chunks; see <see cref="StringChunks"/>).</summary>
    public long Units => (Utf8.Length + ChunkSize - 1) / ChunkSize;

    /// <inheritdoc/>
    public string UnitName => "chunk";

    /// <summary>Gets how many 4-char chunks the string entry is fed.</summary>
    public long StringChunks => (Text.Length + ChunkSize - 1) / ChunkSize;

    /// <summary>Parses the input whole and throws when the result is not the expected one (the input or the parser is wrong).</summary>
    public void Verify()
    {
        Check("string", ToolCallParser.Parse(Text, Format, Options));
        Check("UTF-8", ToolCallParser.Parse(Utf8, Format, Options));
    }

    /// <summary>Checks a parse obtained some other way (for example streamed) against the expectation.</summary>
    /// <param name="entry">Names the entry in the error message.</param>
    /// <param name="result">The parse.</param>
    public void Check(string entry, ToolCallParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problems = string.Join("; ", result.Problems.Select(p => $"{p.Kind}: {p.Message}"));
        if (result.Problems.Count > 0 || result.Calls.Count != Expected.Count)
        {
            throw new InvalidOperationException($"{this} ({entry}): expected {Expected.Count} calls and no problem, got {result.Calls.Count} calls and {result.Problems.Count} problems {problems}");
        }

        for (int i = 0; i < Expected.Count; i++)
        {
            var call = result.Calls[i];
            using var actual = JsonDocument.Parse(call.ArgumentsJson);
            using var expected = JsonDocument.Parse(Expected[i].ArgumentsJson);
            if (call.Name != Expected[i].Name || !JsonElement.DeepEquals(actual.RootElement, expected.RootElement))
            {
                throw new InvalidOperationException($"{this} ({entry}): call {i} is {call.Name} {Truncate(call.ArgumentsJson)}, expected {Expected[i].Name} {Truncate(Expected[i].ArgumentsJson)}");
            }
        }
    }

    /// <summary>
    /// Gets <c>outputBytes</c>: the estimated size of what the method's parse must produce (event strings and calls;
    /// see <see cref="OutputSize"/>) — allocation beyond it is the parser's own.
    /// </summary>
    /// <param name="method">The benchmark method.</param>
    /// <returns>The figures.</returns>
    public IEnumerable<(string Name, double Value)> Figures(string method)
    {
        if (method.StartsWith("Parse", StringComparison.Ordinal))
        {
            yield return ("outputBytes", _outputBytes.Value.Whole);
        }
        else if (method == "StreamUtf8")
        {
            yield return ("outputBytes", _outputBytes.Value.Utf8Chunks);
        }
        else if (method == "StreamString")
        {
            yield return ("outputBytes", _outputBytes.Value.StringChunks);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Family.Key} {Shape}";

    private (long, long, long) MeasureOutput()
    {
        var whole = ToolCallParser.Parse(Text, Format, Options);
        long wholeBytes = OutputSize.StringBytes(whole.Content) + OutputSize.StringBytes(whole.Reasoning)
            + OutputSize.Of(whole.Calls.Select(ToolCallParseEvent.ForCall));
        var events = new List<ToolCallParseEvent>();
        var kept = new List<ToolCallParseEvent>();
        Parsing.ChunkFeeder.Utf8(this, events, kept);
        long utf8 = OutputSize.Of(kept);
        kept.Clear();
        Parsing.ChunkFeeder.String(this, events, kept);
        return (wholeBytes, utf8, OutputSize.Of(kept));
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
