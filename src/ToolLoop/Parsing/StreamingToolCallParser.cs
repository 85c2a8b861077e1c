using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using ToolLoop.Parsing;

namespace ToolLoop;

/// <summary>
/// An incremental tool-call parser for one model output: push text as it arrives (<see cref="Append(ReadOnlySpan{byte}, List{ToolCallParseEvent})"/>
/// for UTF-8, <see cref="Append(ReadOnlySpan{char}, List{ToolCallParseEvent})"/> for text), then call
/// <see cref="Complete(List{ToolCallParseEvent})"/>. Events come out in output order.
/// </summary>
/// <remarks>
/// <para>Each input character is examined a bounded number of times however the output is chunked: the cost of a
/// parse grows linearly with the output. Only the tail that could still become a marker (at most the longest marker
/// less one character), or the text of a call in progress, is held back.</para>
/// <para>The result does not depend on chunking: text may be split into events differently, but its concatenation,
/// the calls and the problems are the same. A UTF-8 character split across chunks is reassembled; invalid UTF-8
/// becomes U+FFFD.</para>
/// <para>Malformed model output never throws: it becomes a <see cref="ToolCallParseProblem"/>. Exceptions are for
/// misuse (appending after <see cref="Complete(List{ToolCallParseEvent})"/>, a null options instance).</para>
/// <para>Not thread-safe: one parser serves one output from one producer. Dispose it to return its pooled buffer.</para>
/// </remarks>
public sealed class StreamingToolCallParser : IDisposable
{
    private readonly ParserCore _core;

    /// <summary>Initializes a new instance of the <see cref="StreamingToolCallParser"/> class.</summary>
    /// <param name="format">The family whose markup to read; <see cref="ToolCallFormat.Auto"/> reads every family's unambiguous markers.</param>
    /// <param name="options">Declared tools, limits and the reasoning start state; <see langword="null"/> for defaults.</param>
    public StreamingToolCallParser(ToolCallFormat format = ToolCallFormat.Auto, ToolCallParserOptions? options = null)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown tool-call format.");
        }

        Format = format;
        _core = new ParserCore(format, options ?? ToolCallParserOptions.Default);
    }

    /// <summary>Gets the format this parser reads.</summary>
    public ToolCallFormat Format { get; }

    /// <summary>Parses the next piece of UTF-8 model output.</summary>
    /// <param name="utf8">The bytes; a character may be split across calls.</param>
    /// <param name="events">Receives the events this piece completes.</param>
    public void Append(ReadOnlySpan<byte> utf8, List<ToolCallParseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _core.Append(utf8, events);
    }

    /// <summary>Parses the next piece of model output text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="events">Receives the events this piece completes.</param>
    public void Append(ReadOnlySpan<char> text, List<ToolCallParseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _core.Append(text, events);
    }

    /// <summary>Parses a whole output, the only text of this parser, in place (see <see cref="ParserCore.AppendWhole"/>).</summary>
    internal void AppendWhole(string text, List<ToolCallParseEvent> events) => _core.AppendWhole(text, events);

    /// <summary>Ends the output: held text is released, an unclosed call is healed or reported. Further appends throw.</summary>
    /// <param name="events">Receives the remaining events.</param>
    public void Complete(List<ToolCallParseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _core.Complete(events);
    }

    /// <summary>Reads a whole UTF-8 output from <paramref name="reader"/> and yields its events as they complete.</summary>
    /// <param name="reader">The pipe; it is read to its end and completed.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The events, in output order.</returns>
    public async IAsyncEnumerable<ToolCallParseEvent> ReadEventsAsync(PipeReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<ToolCallParseEvent>();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    Append(segment.Span, events);
                }

                // Everything was consumed: an incomplete UTF-8 sequence waits inside the decoder, not in the pipe.
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }

                foreach (var e in events)
                {
                    yield return e;
                }

                events.Clear();
            }

            Complete(events);
            foreach (var e in events)
            {
                yield return e;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _core.Dispose();
}
