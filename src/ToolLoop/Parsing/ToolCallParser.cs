using System.IO.Pipelines;

namespace ToolLoop;

/// <summary>One-shot parsing of a whole model output into content, reasoning, tool calls and problems.</summary>
/// <remarks>Thread-safe: every call uses its own parser. Malformed model output never throws; see <see cref="ToolCallParseResult.Problems"/>.</remarks>
public static class ToolCallParser
{
    /// <summary>Parses <paramref name="text"/> with default options.</summary>
    /// <param name="text">The model output.</param>
    /// <param name="format">The family whose markup to read.</param>
    /// <returns>The parse.</returns>
    public static ToolCallParseResult Parse(string text, ToolCallFormat format) => Parse(text, format, null);

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The model output.</param>
    /// <param name="format">The family whose markup to read.</param>
    /// <param name="options">Declared tools (names and schemas), start inside reasoning, limits; <see langword="null"/> for defaults.</param>
    /// <returns>The parse.</returns>
    public static ToolCallParseResult Parse(string text, ToolCallFormat format, ToolCallParserOptions? options)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var parser = new StreamingToolCallParser(format, options);
        var events = new List<ToolCallParseEvent>();
        parser.AppendWhole(text, events);
        parser.Complete(events);
        return Collect(events);
    }

    /// <summary>Parses UTF-8 model output with default options.</summary>
    /// <param name="utf8">The model output; invalid UTF-8 becomes U+FFFD.</param>
    /// <param name="format">The family whose markup to read.</param>
    /// <returns>The parse.</returns>
    public static ToolCallParseResult Parse(ReadOnlySpan<byte> utf8, ToolCallFormat format) => Parse(utf8, format, null);

    /// <summary>Parses UTF-8 model output.</summary>
    /// <param name="utf8">The model output; invalid UTF-8 becomes U+FFFD.</param>
    /// <param name="format">The family whose markup to read.</param>
    /// <param name="options">Declared tools (names and schemas), start inside reasoning, limits; <see langword="null"/> for defaults.</param>
    /// <returns>The parse.</returns>
    public static ToolCallParseResult Parse(ReadOnlySpan<byte> utf8, ToolCallFormat format, ToolCallParserOptions? options)
    {
        using var parser = new StreamingToolCallParser(format, options);
        var events = new List<ToolCallParseEvent>();
        parser.Append(utf8, events);
        parser.Complete(events);
        return Collect(events);
    }

    /// <summary>Reads UTF-8 model output from a pipe to its end and parses it.</summary>
    /// <param name="reader">The pipe; it is completed.</param>
    /// <param name="format">The family whose markup to read.</param>
    /// <param name="options">Options; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The parse.</returns>
    public static async ValueTask<ToolCallParseResult> ParseAsync(PipeReader reader, ToolCallFormat format, ToolCallParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var parser = new StreamingToolCallParser(format, options);
        var events = new List<ToolCallParseEvent>();
        await foreach (var e in parser.ReadEventsAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            events.Add(e);
        }

        return Collect(events);
    }

    /// <summary>Gathers events into a result.</summary>
    /// <param name="events">Events in output order.</param>
    /// <returns>The result.</returns>
    public static ToolCallParseResult Collect(IEnumerable<ToolCallParseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events as IReadOnlyList<ToolCallParseEvent> ?? [.. events];
        var calls = new List<ParsedToolCall>();
        var problems = new List<ToolCallParseProblem>();
        foreach (var e in list)
        {
            switch (e.Kind)
            {
                case ToolCallParseEventKind.ToolCall:
                    calls.Add(e.Call!);
                    break;
                case ToolCallParseEventKind.Problem:
                    problems.Add(e.Problem!);
                    break;
            }
        }

        return new ToolCallParseResult(Join(list, ToolCallParseEventKind.Content), Join(list, ToolCallParseEventKind.Reasoning), calls, problems);
    }

    /// <summary>Concatenates the text of one kind of event with one copy (none when a single event holds it all).</summary>
    private static string Join(IReadOnlyList<ToolCallParseEvent> events, ToolCallParseEventKind kind)
    {
        string? single = null;
        var pieces = 0;
        var length = 0;
        foreach (var e in events)
        {
            if (e.Kind == kind && e.Text is { Length: > 0 } text)
            {
                single = text;
                pieces++;
                length += text.Length;
            }
        }

        if (pieces <= 1)
        {
            return single ?? string.Empty;
        }

        return string.Create(length, (events, kind), static (dest, state) =>
        {
            foreach (var e in state.events)
            {
                if (e.Kind == state.kind && e.Text is { Length: > 0 } text)
                {
                    text.CopyTo(dest);
                    dest = dest[text.Length..];
                }
            }
        });
    }
}
