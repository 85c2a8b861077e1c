using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Feeds an output to a <see cref="StreamingToolCallParser"/> the way a runtime streams tokens: 4-byte UTF-8 chunks (a
/// character may be split) or 4-char chunks, consuming and clearing the events after each chunk as a client would.
/// </summary>
internal static class ChunkFeeder
{
    /// <summary>Streams the input's UTF-8 bytes; returns how many events came out.</summary>
    public static int Utf8(ParserInput input, List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep = null)
    {
        using var parser = new StreamingToolCallParser(input.Format, input.Options);
        ReadOnlySpan<byte> utf8 = input.Utf8;
        int n = 0;
        for (int i = 0; i < utf8.Length; i += ParserInput.ChunkSize)
        {
            parser.Append(utf8.Slice(i, Math.Min(ParserInput.ChunkSize, utf8.Length - i)), events);
            n += Drain(events, keep);
        }

        return n + Complete(parser, events, keep);
    }

    /// <summary>Streams the input's text; returns how many events came out.</summary>
    public static int String(ParserInput input, List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep = null) =>
        String(input.Text, input.Format, input.Options, events, keep);

    /// <summary>Streams <paramref name="text"/> in 4-char chunks; returns how many events came out.</summary>
    public static int String(string text, ToolCallFormat format, ToolCallParserOptions options, List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep = null)
    {
        using var parser = new StreamingToolCallParser(format, options);
        ReadOnlySpan<char> chars = text;
        int n = 0;
        for (int i = 0; i < chars.Length; i += ParserInput.ChunkSize)
        {
            parser.Append(chars.Slice(i, Math.Min(ParserInput.ChunkSize, chars.Length - i)), events);
            n += Drain(events, keep);
        }

        return n + Complete(parser, events, keep);
    }

    /// <summary>Streams both ways once and checks the collected results against the input's expectation.</summary>
    public static void Verify(ParserInput input)
    {
        var events = new List<ToolCallParseEvent>();
        var kept = new List<ToolCallParseEvent>();
        Utf8(input, events, kept);
        input.Check("UTF-8 in 4-byte chunks", ToolCallParser.Collect(kept));
        kept.Clear();
        String(input, events, kept);
        input.Check("string in 4-char chunks", ToolCallParser.Collect(kept));
    }

    private static int Complete(StreamingToolCallParser parser, List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep)
    {
        parser.Complete(events);
        return Drain(events, keep);
    }

    private static int Drain(List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep)
    {
        int n = events.Count;
        keep?.AddRange(events);
        events.Clear();
        return n;
    }
}
