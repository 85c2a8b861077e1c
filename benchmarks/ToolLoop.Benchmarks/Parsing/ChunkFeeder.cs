using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Feeds an input to a <see cref="StreamingToolCallParser"/> the way a runtime streams tokens: 4-byte UTF-8 chunks (a
/// character may be split) or 4-char chunks, consuming and clearing the events after each chunk as a client would.
/// </summary>
internal static class ChunkFeeder
{
    /// <summary>Streams the UTF-8 bytes; returns how many events came out.</summary>
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

        parser.Complete(events);
        return n + Drain(events, keep);
    }

    /// <summary>Streams the text; returns how many events came out.</summary>
    public static int String(ParserInput input, List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep = null)
    {
        using var parser = new StreamingToolCallParser(input.Format, input.Options);
        ReadOnlySpan<char> text = input.Text;
        int n = 0;
        for (int i = 0; i < text.Length; i += ParserInput.ChunkSize)
        {
            parser.Append(text.Slice(i, Math.Min(ParserInput.ChunkSize, text.Length - i)), events);
            n += Drain(events, keep);
        }

        parser.Complete(events);
        return n + Drain(events, keep);
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

    private static int Drain(List<ToolCallParseEvent> events, List<ToolCallParseEvent>? keep)
    {
        int n = events.Count;
        keep?.AddRange(events);
        events.Clear();
        return n;
    }
}
