using System.Buffers;
using System.Text;

namespace ToolLoop.Parsing;

/// <summary>
/// The one state machine behind every entry point. It keeps only what is undecided: in text, the tail that may
/// still become a marker; in a call, the call's text. Everything else is emitted and dropped.
/// </summary>
internal sealed class ParserCore : IDisposable
{
    private enum Mode
    {
        Content,
        Reasoning,
        Call,
    }

    private readonly FormatTable _table;
    private readonly TextChannel _content = new();
    private readonly TextChannel _reasoning = new();
    private readonly TextSink _text = new();
    private readonly int _maxCallChars;
    private ToolCallParseEventKind _textKind;
    private List<ToolCallParseEvent>? _events;
    private char[] _buf;

    // A whole input string parsed in place (see AppendWhole): the buffer is that string until anything else is appended.
    private string? _borrowed;
    private int _len;
    private int _scan;
    private int _emitFrom;
    private Mode _mode;
    private string[] _closers = [];
    private CallRegion? _region;
    private int _regionStart;
    private int _regionScan;
    private int _regionOpener;
    private bool _overflow;
    private bool _completed;
    private bool _oversized;
    private int _regionStripLength;

    // A rejected special-token opener that is leaked markup (see RejectRegion), removed like any stripped marker: where it
    // starts in the buffer (-1: none) and its length.
    private int _strippedOpenerAt = -1;
    private int _strippedOpenerLength;

    // The character just before the buffer's start (dropped by EnsureRoom), so a look one character back gives the same
    // answer however the output was chunked.
    private char _beforeBuffer;

    // Whether the text dropped before the buffer's start ends anchored (see Marker.Anchored); the output's start is.
    private bool _beforeBufferAnchored = true;

    // Where the last call region ended, in the buffer (-1: none, or dropped).
    private int _afterCall = -1;

    // The first window a region is handed (see ScanRegion); doubled while the region needs more.
    private const int InitialWindow = 16;

    // UTF-8 pieces up to this many bytes (streamed tokens) are decoded on the stack and may take the prose path.
    private const int SmallPiece = 64;
    private char _heldHighSurrogate;
    private Utf8Tail _utf8Tail;
    private long _examined;

    public ParserCore(ToolCallFormat format, ToolCallParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Context = new ParseContext(format, options, this);
        _table = FormatTable.For(format, Context.HasTools);
        _maxCallChars = Math.Max(256, options.MaxToolCallBytes);
        _buf = ArrayPool<char>.Shared.Rent(256);
        if (options.StartInReasoning)
        {
            _mode = Mode.Reasoning;
            _closers = _table.ReasoningClosersAtStart;
        }
        else if (_table.StartRegion is { } atStart)
        {
            // The prompt ended inside a header the output continues: read it from the first character, no opener.
            StartRegion(atStart(Context), 0, 0);
        }
    }

    public ParseContext Context { get; }

    /// <summary>
    /// Gets how many characters the scanners were handed so far: the text scanner counts what its vectorised search
    /// passed over, a region counts every character of every window it was handed from its resume position (regions
    /// never look behind it), and each finished region counts its length once more for its reader. Tests use it to prove
    /// that no text is re-scanned: the count stays within a small multiple of the output length however the output is
    /// chunked and whatever it holds.
    /// </summary>
    internal long ExaminedChars => _examined;

    /// <summary>Gets a value indicating whether the parser is inside a call region (which holds its text until it ends).</summary>
    internal bool InCall => _mode == Mode.Call;

    public void Append(ReadOnlySpan<char> chunk, List<ToolCallParseEvent> events)
    {
        if (TryAppendProse(chunk, events))
        {
            return;
        }

        var start = BeginAppend(chunk.Length, events);
        chunk.CopyTo(_buf.AsSpan(_len));
        EndAppend(start, chunk.Length);
    }

    /// <summary>
    /// Decodes the next piece of UTF-8 output straight into the buffer (no intermediate copy, no <see cref="Decoder"/>
    /// call) and parses it. A sequence cut by the end of the piece waits for the next one (see <see cref="Utf8Tail"/>).
    /// </summary>
    public void Append(ReadOnlySpan<byte> utf8, List<ToolCallParseEvent> events)
    {
        if (utf8.Length <= SmallPiece && !_completed)
        {
            // A streamed piece: decoded on the stack, it takes the prose path below when it holds no markup.
            Span<char> chars = stackalloc char[SmallPiece + 4];
            var written = _utf8Tail.Decode(utf8, chars);
            Append(chars[..written], events);
            return;
        }

        var start = BeginAppend(_utf8Tail.MaxChars(utf8.Length), events);
        var n = _utf8Tail.Decode(utf8, _buf.AsSpan(_len));

        // Decoded UTF-8 holds no lone surrogate (and never ends inside a pair), so only a high surrogate held from a
        // string piece before it needs the check.
        EndAppend(start, n, checkSurrogates: start != _len);
    }

    /// <summary>
    /// Parses a whole output given as a string, the first and only text of this parser, in place: the string is the
    /// buffer, so prose is scanned where it lies and text that is one run of it is copied once, into its event (the whole
    /// string is handed out as is). Text with lone surrogates (which must become U+FFFD) takes the copying path.
    /// </summary>
    public void AppendWhole(string text, List<ToolCallParseEvent> events)
    {
        if (_len != 0 || _completed || _heldHighSurrogate != '\0' || Utf16Text.FirstLoneSurrogate(text) >= 0)
        {
            Append(text.AsSpan(), events);
            return;
        }

        _events = events;
        _borrowed = text;
        _len = text.Length;
        _text.SetSource(text.AsMemory(), text);
        Run(final: false);
        FlushText();
        _events = null;
    }

    /// <summary>
    /// The streaming fast path: a piece of text or reasoning that holds no character a marker (or bare JSON) starts with
    /// and no surrogate, arriving when nothing is held back, is written straight out as one string, without going
    /// through the buffer. The state afterwards is what the buffered path leaves once it drops the emitted text (the
    /// piece is the text before the buffer), so the result does not depend on which path a piece took.
    /// </summary>
    private bool TryAppendProse(ReadOnlySpan<char> chunk, List<ToolCallParseEvent> events)
    {
        if (_mode == Mode.Call || _emitFrom != _len || _borrowed is not null || _completed || _heldHighSurrogate != '\0' || chunk.IsEmpty)
        {
            return false;
        }

        var inReasoning = _mode == Mode.Reasoning;
        var set = inReasoning ? _table.Reasoning : _table.Content;
        if (chunk.IndexOfAny(set.FirstChars) >= 0 || chunk.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            return false;
        }

        var channel = inReasoning ? _reasoning : _content;
        if (!channel.TryWriteAlone(chunk, out var text))
        {
            return false;
        }

        _beforeBufferAnchored = AnchoredAtEnd(chunk) ?? IsAnchored(Held, _len);
        _beforeBuffer = chunk[^1];
        _afterCall = -1;
        _len = _scan = _emitFrom = 0;
        _examined += chunk.Length;
        if (text is not null)
        {
            events.Add(inReasoning ? ToolCallParseEvent.ForReasoning(text) : ToolCallParseEvent.ForContent(text));
        }

        return true;
    }

    /// <summary>Whether the end of <paramref name="text"/> is anchored (see <see cref="IsAnchored"/>), or <see langword="null"/> when only spaces or tabs say nothing.</summary>
    private static bool? AnchoredAtEnd(ReadOnlySpan<char> text)
    {
        for (var k = text.Length - 1; k >= 0; k--)
        {
            var c = text[k];
            if (c == '\n')
            {
                return true;
            }

            if (c is not (' ' or '\t' or '\r'))
            {
                return false;
            }
        }

        return null;
    }

    /// <summary>Makes room for <paramref name="maxChars"/> more characters (and a held high surrogate); returns where the piece starts.</summary>
    private int BeginAppend(int maxChars, List<ToolCallParseEvent> events)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The parser was completed; create a new parser for a new output.");
        }

        _events = events;
        EnsureRoom(maxChars + 1);
        _text.SetSource(_buf.AsMemory(), null);
        var start = _len;
        if (_heldHighSurrogate != '\0')
        {
            _buf[_len++] = _heldHighSurrogate;
            _heldHighSurrogate = '\0';
        }

        return start;
    }

    private void EndAppend(int start, int written, bool checkSurrogates = true)
    {
        _len += written;

        // Lone surrogates become U+FFFD on the way in (as invalid UTF-8 does), so no text the parser hands out can
        // break a JSON writer; a high surrogate at the end waits for its low half in the next piece.
        if (checkSurrogates)
        {
            if (Utf16Text.EndsWithHighSurrogate(_buf.AsSpan(start, _len - start)))
            {
                _heldHighSurrogate = _buf[--_len];
            }

            Utf16Text.ReplaceLoneSurrogates(_buf.AsSpan(start, _len - start));
        }

        Run(final: false);
        FlushText();
        _events = null;
    }

    public void Complete(List<ToolCallParseEvent> events)
    {
        if (_completed)
        {
            return;
        }

        _events = events;
        if (_utf8Tail.MaxChars(0) > 0)
        {
            // A UTF-8 sequence cut by the end of the output is one U+FFFD, as a decoder's flush makes it.
            Span<char> replacement = stackalloc char[4];
            var n = _utf8Tail.Flush(replacement);
            Append(replacement[..n], events);
            _events = events;
        }

        if (_heldHighSurrogate != '\0')
        {
            EnsureRoom(1);
            _text.SetSource(_buf.AsMemory(), null);
            _buf[_len++] = Utf16Text.Replacement;
            _heldHighSurrogate = '\0';
        }

        Run(final: true);
        _content.Boundary();
        _reasoning.Boundary();
        FlushText();
        _completed = true;
        _events = null;
    }

    public void Dispose()
    {
        _text.Dispose();
        _borrowed = null;
        var buf = _buf;
        _buf = [];
        if (buf.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buf);
        }
    }

    internal void EmitCall(ParsedToolCall call)
    {
        _content.Boundary();
        FlushText();
        _events!.Add(ToolCallParseEvent.ForCall(call));
    }

    internal void EmitProblem(ToolCallParseProblem problem)
    {
        _content.Boundary();
        FlushText();
        _events!.Add(ToolCallParseEvent.ForProblem(problem));
    }

    internal void EmitContentText(ReadOnlySpan<char> text) => Write(ToolCallParseEventKind.Content, text);

    private void Run(bool final)
    {
        while (true)
        {
            var progressed = _mode == Mode.Call ? ScanRegion(final) : ScanText(final);
            if (!progressed)
            {
                break;
            }
        }

        if (final && _mode != Mode.Call)
        {
            // Whatever was held back as a possible marker is plain text now.
            Write(_mode == Mode.Content ? ToolCallParseEventKind.Content : ToolCallParseEventKind.Reasoning, Held[_emitFrom..]);
            _emitFrom = _scan = _len;
        }
    }

    /// <summary>Scans content or reasoning. Returns <see langword="true"/> when the state changed and scanning should go on.</summary>
    private bool ScanText(bool final)
    {
        var inReasoning = _mode == Mode.Reasoning;
        var set = inReasoning ? _table.Reasoning : _table.Content;
        var kind = inReasoning ? ToolCallParseEventKind.Reasoning : ToolCallParseEventKind.Content;
        var span = Held;
        var i = _scan;
        while (true)
        {
            var rel = span[i..].IndexOfAny(set.FirstChars);
            if (rel < 0)
            {
                _examined += _len - i;
                Write(kind, span[_emitFrom.._len]);
                _emitFrom = _scan = _len;
                return false;
            }

            var j = i + rel;
            _examined += rel + 1;
            var partial = false;
            foreach (var m in set.StartingWith(span[j]))
            {
                var match = Spans.MatchAt(span, j, m.Text);
                if (match == MatchKind.Partial)
                {
                    partial = true;
                    continue;
                }

                if (match == MatchKind.Full)
                {
                    // A longer marker that may still complete here wins over this shorter one: wait.
                    if (partial && !final)
                    {
                        break;
                    }

                    if (OnMarker(m, span, j, final, ref partial))
                    {
                        return true;
                    }
                }
            }

            if (!inReasoning && set.BareJson && span[j] == '{' && BareJsonAllowedAt(span, j))
            {
                Write(kind, span[_emitFrom..j]);
                StartRegion(_table.BareJsonRegion!(Context), j, j + 1);
                return true;
            }

            if (partial && !final)
            {
                Write(kind, span[_emitFrom..j]);
                _emitFrom = _scan = j;
                return false;
            }

            i = j + 1;
        }
    }

    /// <summary>Acts on a full marker at <paramref name="j"/>. Returns <see langword="true"/> when it changed the state.</summary>
    private bool OnMarker(Marker m, ReadOnlySpan<char> span, int j, bool final, ref bool partial)
    {
        var inReasoning = _mode == Mode.Reasoning;
        var kind = inReasoning ? ToolCallParseEventKind.Reasoning : ToolCallParseEventKind.Content;
        var after = j + m.Text.Length;
        if (j == _strippedOpenerAt)
        {
            if (m.Text.Length != _strippedOpenerLength)
            {
                return false;
            }

            _strippedOpenerAt = StripMarker(kind, span, j, after, final, ref partial) ? -1 : j;
            return _strippedOpenerAt < 0;
        }

        switch (m.Action)
        {
            case MarkerAction.Strip:
                return StripMarker(kind, span, j, after, final, ref partial);

            case MarkerAction.OpenReasoning when !inReasoning:
                Write(kind, span[_emitFrom..j]);
                _content.Boundary();
                _reasoning.Boundary();
                _mode = Mode.Reasoning;
                _closers = m.Closers;
                _emitFrom = _scan = after;
                return true;

            case MarkerAction.CloseReasoning when inReasoning && Array.IndexOf(_closers, m.Text) >= 0:
                CloseReasoning(span, j);
                _emitFrom = _scan = after;
                return true;

            case MarkerAction.OpenCall when !inReasoning || m.Lookahead is null:
                if (m.Anchored && (inReasoning || !IsAnchored(span, j)))
                {
                    return false;
                }

                if (inReasoning)
                {
                    CloseReasoning(span, j);
                }
                else
                {
                    Write(kind, span[_emitFrom..j]);
                }

                StartRegion(m.Region!(Context), j, after, m.StripWhenRejected && !IsQuote(j > 0 ? span[j - 1] : _beforeBuffer));
                return true;

            case MarkerAction.OpenCallFromReasoning when inReasoning:
                var p = after;
                while (p < span.Length && p - after < 64 && char.IsWhiteSpace(span[p]))
                {
                    p++;
                }

                var look = p < span.Length ? Spans.MatchAt(span, p, m.Lookahead!) : MatchKind.Partial;
                if (look == MatchKind.Full)
                {
                    CloseReasoning(span, j);
                    StartRegion(m.Region!(Context), j, after);
                    return true;
                }

                if (look == MatchKind.Partial && !final)
                {
                    partial = true;
                }

                return false;

            default:
                return false;
        }
    }

    /// <summary>
    /// Removes the marker at <paramref name="j"/> from the text, unless that would join the text on both sides of it into a
    /// marker (see <see cref="JoinGuard"/>): then it stays as text. Returns <see langword="true"/> when it was decided, false
    /// (with <paramref name="partial"/> set) when that is known only with more text.
    /// </summary>
    private bool StripMarker(ToolCallParseEventKind kind, ReadOnlySpan<char> span, int j, int after, bool final, ref bool partial)
    {
        Write(kind, span[_emitFrom..j]);
        _emitFrom = j;
        switch (JoinGuard.Joins(Channel(kind).Tail, span, after, final))
        {
            case MatchKind.Partial:
                partial = true;
                return false;
            case MatchKind.Full:
                Write(kind, span[j..after]);
                _emitFrom = _scan = after;
                return true;
        }

        Channel(kind).Boundary();
        _emitFrom = _scan = after;
        return true;
    }

    private void CloseReasoning(ReadOnlySpan<char> span, int j)
    {
        Write(ToolCallParseEventKind.Reasoning, span[_emitFrom..j]);
        _reasoning.Boundary();
        _content.Boundary();
        _mode = Mode.Content;
    }

    private bool BareJsonAllowedAt(ReadOnlySpan<char> span, int j)
    {
        if (Context.HasTools)
        {
            return true;
        }

        // With no tools declared (only a bare-JSON family's own format reads bare JSON then), the output is a JSON call
        // only when the JSON starts it.
        return !_content.HasText && Context.CallCount == 0 && span[_emitFrom..j].IsWhiteSpace();
    }

    /// <summary>
    /// Whether position <paramref name="j"/> is at the start of the output or of a line, or right after a call, with only
    /// spaces or tabs between. The look back stops at the first other character, so it never reads a character twice
    /// for different markers.
    /// </summary>
    private bool IsAnchored(ReadOnlySpan<char> span, int j)
    {
        var k = j;
        while (true)
        {
            if (k == _afterCall)
            {
                return true;
            }

            if (k == 0)
            {
                return _beforeBufferAnchored;
            }

            var c = span[k - 1];
            if (c == '\n')
            {
                return true;
            }

            if (c is not (' ' or '\t' or '\r'))
            {
                return false;
            }

            k--;
        }
    }

    private static bool IsQuote(char c) => c is '`' or '"' or '\'';

    private void StartRegion(CallRegion region, int start, int pos, bool stripWhenRejected = false)
    {
        _regionStripLength = stripWhenRejected ? pos - start : 0;
        _mode = Mode.Call;
        _region = region;
        _regionStart = start;
        _regionScan = pos - start;
        _regionOpener = pos - start;
        _emitFrom = start;
        _overflow = false;
        _oversized = false;
    }

    /// <summary>
    /// Scans the open region over the text buffered so far. The region is handed the text in windows that start small
    /// and double, so a region that decides after a few characters (a rejected guess) costs a few characters however much
    /// text is buffered; <see cref="ExaminedChars"/> counts every character handed. Until a region has overflowed it is
    /// never handed more than <see cref="ToolCallParserOptions.MaxToolCallBytes"/> + 1 characters, so the size decision
    /// is taken on the same text whether the output came whole or in pieces.
    /// </summary>
    private bool ScanRegion(bool final)
    {
        var region = _region!;
        var available = _len - _regionStart;
        var pos = _regionScan;
        var window = InitialWindow;
        int limit;
        RegionStatus status;
        while (true)
        {
            limit = Math.Min(available, pos + window);
            if (!_oversized)
            {
                limit = Math.Min(limit, _maxCallChars + 1);
            }

            var before = pos;
            status = region.Scan(Held[_regionStart..(_regionStart + limit)], ref pos);
            _examined += Math.Max(0, limit - before);
            if (status != RegionStatus.NeedMore || limit == available || (!_oversized && limit > _maxCallChars))
            {
                break;
            }

            window *= 2;
        }

        var span = Held[_regionStart..(_regionStart + limit)];
        switch (status)
        {
            case RegionStatus.Complete:
                // The size rule looks only at the region's own length, so it holds however the output was chunked.
                if (region.IsSpeculative && pos > _maxCallChars)
                {
                    RejectRegion();
                }
                else if (!_oversized && pos > _maxCallChars && EndAtCommitted(region))
                {
                }
                else if (_oversized || pos > _maxCallChars)
                {
                    EmitOversized(span[..pos]);
                    LeaveRegion(pos);
                }
                else
                {
                    EndRegion(span[..pos], endOfStream: false);
                }

                return true;

            case RegionStatus.Reject:
                RejectRegion();
                return true;
        }

        _regionScan = pos;
        if (!_oversized && limit > _maxCallChars)
        {
            if (region.IsSpeculative)
            {
                RejectRegion();
                return true;
            }

            // A call that is complete up to a point within the cap, followed by lookahead (whitespace or stray
            // closers), ends at that point; otherwise it is oversized.
            if (EndAtCommitted(region))
            {
                return true;
            }

            _oversized = true;
        }

        if (_oversized)
        {
            // Over the cap: report the region in pieces of exactly MaxToolCallBytes characters counted from its start
            // (so the pieces do not depend on chunking), keeping only the tail, so memory stays bounded. The region
            // keeps scanning (rebased; its state does not depend on text before pos) to find its end.
            var dropped = false;
            while (_len - _regionStart > _maxCallChars && _regionScan >= _maxCallChars)
            {
                EmitOversizedPiece(Held.Slice(_regionStart, _maxCallChars), last: false);
                _regionStart += _maxCallChars;
                _regionScan -= _maxCallChars;
                _emitFrom = _regionStart;
                region.Rebase(_maxCallChars);
                dropped = true;
            }

            if (limit < available || dropped)
            {
                // More buffered text waits to be scanned (the window is no longer capped).
                return true;
            }
        }

        if (final)
        {
            span = Held[_regionStart..];
            if (region.IsSpeculative && span.Length > _maxCallChars)
            {
                RejectRegion();
                return true;
            }

            if (_oversized || span.Length > _maxCallChars)
            {
                EmitOversized(span);
                LeaveRegion(span.Length);
                return true;
            }

            EndRegion(span, endOfStream: true);
            return true;
        }

        return false;
    }

    /// <summary>Ends the region at its committed end when that lies within the cap (see <see cref="CallRegion.CommittedEnd"/>).</summary>
    private bool EndAtCommitted(CallRegion region)
    {
        var committed = region.CommittedEnd;
        if (committed <= 0 || committed > _maxCallChars)
        {
            return false;
        }

        EndRegion(Held.Slice(_regionStart, committed), endOfStream: false);
        return true;
    }

    /// <summary>Reports the rest of an oversized region: whole pieces of the cap, then the remainder as the last piece.</summary>
    private void EmitOversized(ReadOnlySpan<char> rest)
    {
        while (rest.Length > _maxCallChars)
        {
            EmitOversizedPiece(rest[.._maxCallChars], last: false);
            rest = rest[_maxCallChars..];
        }

        EmitOversizedPiece(rest, last: true);
    }

    private void EmitOversizedPiece(ReadOnlySpan<char> piece, bool last)
    {
        var message = !_overflow
            ? $"The tool call is larger than MaxToolCallBytes ({_maxCallChars}); it was not read."
            : last ? "End of a tool call larger than MaxToolCallBytes." : "Continuation of a tool call larger than MaxToolCallBytes.";
        Context.EmitProblem(ToolCallProblemKind.TooLarge, message, piece);
        _overflow = true;
    }

    private void LeaveRegion(int consumed)
    {
        _mode = Mode.Content;
        _region = null;
        _overflow = false;
        _oversized = false;
        _emitFrom = _scan = _regionStart + consumed;
        _afterCall = _scan;
    }

    private void EndRegion(ReadOnlySpan<char> regionText, bool endOfStream)
    {
        _examined += regionText.Length;
        var consumed = _region!.Finish(regionText, endOfStream, Context);
        LeaveRegion(consumed);
    }

    private void RejectRegion()
    {
        // The opener was ordinary text: it stays content, and scanning resumes just after its first character (at it for
        // the start region, which has no opener and is never started again). A special token that opens no call is leaked
        // markup: it goes, and what follows it is content.
        _mode = Mode.Content;
        _region = null;
        _oversized = false;
        var after = _regionStart + _regionStripLength;
        if (_regionStripLength > 0 && !(after < _len && IsQuote(Held[after])))
        {
            // Removed as stripped markup is, when the scan comes back to it (so it cannot join its neighbours into a marker).
            _strippedOpenerAt = _regionStart;
            _strippedOpenerLength = _regionStripLength;
            _emitFrom = _scan = _regionStart;
            return;
        }

        _emitFrom = _regionStart;
        _scan = _regionStart + (_regionOpener > 0 ? 1 : 0);
    }

    private TextChannel Channel(ToolCallParseEventKind kind) => kind == ToolCallParseEventKind.Reasoning ? _reasoning : _content;

    private void Write(ToolCallParseEventKind kind, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        if (_text.Length > 0 && _textKind != kind)
        {
            FlushText();
        }

        _textKind = kind;
        Channel(kind).Write(text, _text);
    }

    private void FlushText()
    {
        if (_text.Length == 0)
        {
            return;
        }

        var s = _text.Take();
        _events!.Add(_textKind == ToolCallParseEventKind.Reasoning ? ToolCallParseEvent.ForReasoning(s) : ToolCallParseEvent.ForContent(s));
    }

    /// <summary>Gets the text held so far: the buffer, or the borrowed whole input.</summary>
    private ReadOnlySpan<char> Held => _borrowed is null ? _buf.AsSpan(0, _len) : _borrowed.AsSpan(0, _len);

    private void EnsureRoom(int extra)
    {
        if (_borrowed is not null)
        {
            // More text after a whole input (not done by the entry points): the input moves into the buffer.
            var borrowed = _borrowed;
            _borrowed = null;
            if (_buf.Length < _len + extra)
            {
                ArrayPool<char>.Shared.Return(_buf);
                _buf = ArrayPool<char>.Shared.Rent(_len + extra);
            }

            borrowed.AsSpan(0, _len).CopyTo(_buf);
        }

        var keepFrom = _mode == Mode.Call ? _regionStart : _emitFrom;

        // Drop what was emitted when it is at least half the buffer (amortised O(1) per character), or when needed for room.
        if (keepFrom > 0 && (keepFrom >= _len / 2 || _len + extra > _buf.Length))
        {
            _beforeBuffer = _buf[keepFrom - 1];
            _beforeBufferAnchored = IsAnchored(_buf.AsSpan(0, _len), keepFrom);
            _afterCall = _afterCall >= keepFrom ? _afterCall - keepFrom : -1;
            _buf.AsSpan(keepFrom, _len - keepFrom).CopyTo(_buf);
            _len -= keepFrom;
            _scan -= keepFrom;
            _emitFrom -= keepFrom;
            _regionStart -= keepFrom;
            _strippedOpenerAt = _strippedOpenerAt >= 0 ? _strippedOpenerAt - keepFrom : -1;
        }

        if (_len + extra > _buf.Length)
        {
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_buf.Length * 2, _len + extra));
            _buf.AsSpan(0, _len).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_buf);
            _buf = bigger;
        }
    }
}
