namespace ToolLoop.Parsing;

/// <summary>
/// A region that runs from its opener to the first of its closers (consumed) or stop markers (left for the text
/// scanner), then hands the body to the family's reader. DeepSeek and Kimi sections and single calls use it: their
/// markers are special tokens, so they do not occur inside argument text.
/// </summary>
/// <remarks>
/// A family that names its calls' bounds (<see cref="CallBounds"/>) gets two more rules: while only whitespace follows
/// the last complete call, the region's <see cref="CommittedEnd"/> is there (a run of whitespace across the size cap
/// never turns the section into TooLarge pieces); and, when <see cref="CallBounds.EndAfterLastCall"/> (the call closer is a
/// special token, so argument text cannot hold it), text after the last call that starts no call ends the section
/// there: its closer is missing and the text is content.
/// </remarks>
internal sealed class SectionRegion(ToolCallFormat format, int openerLength, string[] closers, string[] stops, SectionRegion.Reader reader, Func<char, bool> startsBody, SectionRegion.CallBounds? calls = null) : CallRegion
{
    private int _lastCallEnd = -1;
    private int _callScan = -1;
    private bool _onlyWhitespaceAfterCall;
    private int _followScan = -1;
    private bool _followChecked;

    /// <summary>Reads the body (between the opener and the closer, or to the end of output when <paramref name="truncated"/>).</summary>
    public delegate void Reader(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw);

    /// <inheritdoc/>
    public override int CommittedEnd => _onlyWhitespaceAfterCall ? _lastCallEnd : 0;

    private int _bodyEnd = -1;
    private bool _started;

    // The first characters of every marker the scan looks for: new text holding none of them cannot end the region.
    private readonly string _markerStarts = MarkerStarts(closers, stops, calls);

    public override ToolCallFormat Format => format;

    /// <summary>A body that starts like a call: <c>&lt;</c> (the next special token).</summary>
    public static bool StartsWithMarkup(char c) => c == '<';

    public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
    {
        if (!_started)
        {
            // The opener spelled in prose ("wrap calls in `<｜tool▁calls▁begin｜>`") is not followed by a call.
            // Whitespace seen is not looked at again (pos moves past it).
            pos = Spans.SkipWhitespace(region, pos);
            if (pos >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            if (!startsBody(region[pos]))
            {
                return RegionStatus.Reject;
            }

            _started = true;
        }

        if (_markerStarts.Length > 0 && (calls is null || _lastCallEnd < 0 || _followChecked))
        {
            // Streaming inside a call's arguments: most chunks hold no marker's first character, and then no marker
            // starts in them (one cut at the previous chunk's end was left at pos, so it is searched again). One search
            // over the new text, and over the tail where a call closer may have started, stands for every marker's.
            var trackFrom = calls is null ? region.Length : Math.Min(region.Length, Math.Max(_callScan, openerLength));
            if (region[Math.Min(pos, trackFrom)..].IndexOfAny(_markerStarts) < 0)
            {
                if (calls is not null)
                {
                    // What TrackCalls leaves when no call closes: nothing to look past, the tail kept for a cut closer.
                    _onlyWhitespaceAfterCall = false;
                    _callScan = Math.Max(trackFrom, Math.Max(0, region.Length - calls.LongestCloser + 1));
                }

                pos = region.Length;
                return RegionStatus.NeedMore;
            }
        }

        var earliest = int.MaxValue;
        var earliestPartial = region.Length;
        var length = 0;
        var consume = false;
        foreach (var (markers, consumes) in (ReadOnlySpan<(string[], bool)>)[(closers, true), (stops, false)])
        {
            foreach (var m in markers)
            {
                var at = Spans.Find(region, pos, m);
                if (at >= 0 && at < earliest)
                {
                    earliest = at;
                    length = m.Length;
                    consume = consumes;
                }
                else if (at < 0)
                {
                    earliestPartial = Math.Min(earliestPartial, -1 - at);
                }
            }
        }

        if (calls is not null && TrackCalls(region, earliest != int.MaxValue ? earliest : earliestPartial, earliest == int.MaxValue))
        {
            // The section's closer is missing and text that is no call follows its last call.
            _bodyEnd = pos = _lastCallEnd;
            return RegionStatus.Complete;
        }

        if (earliest != int.MaxValue)
        {
            _bodyEnd = earliest;
            pos = consume ? earliest + length : earliest;
            return RegionStatus.Complete;
        }

        pos = earliestPartial;
        return RegionStatus.NeedMore;
    }

    /// <summary>
    /// Finds the calls closed before <paramref name="limit"/> (resuming where the last search stopped) and looks at what
    /// follows each one as soon as it is seen. Returns <see langword="true"/> when the section ends after the last call.
    /// </summary>
    /// <remarks>
    /// The decision after a call depends only on the text that follows it, never on whether the section's closer has
    /// arrived yet: that is what keeps the result the same however the output is chunked.
    /// </remarks>
    private bool TrackCalls(ReadOnlySpan<char> region, int limit, bool open)
    {
        var bounds = calls!;
        _onlyWhitespaceAfterCall = false;

        // After a rebase (an oversized region is only scanned for its end) positions may pass the limit.
        var from = Math.Min(limit, Math.Max(_callScan, openerLength));
        while (true)
        {
            if (_lastCallEnd >= 0 && !_followChecked)
            {
                // Whitespace seen after the call is not looked at again.
                var next = _followScan = Spans.SkipWhitespace(region, Math.Max(_lastCallEnd, _followScan));
                if (next >= region.Length)
                {
                    _onlyWhitespaceAfterCall = open;
                    return false;
                }

                if (next >= limit)
                {
                    // The section's closer (or a stop, or a closer cut by the end of the text) follows the call.
                    return false;
                }

                var starts = false;
                var cut = false;
                foreach (var m in (ReadOnlySpan<string>)[bounds.Opener, .. closers, .. stops])
                {
                    switch (Spans.MatchAt(region, next, m))
                    {
                        case MatchKind.Full:
                            starts = true;
                            break;
                        case MatchKind.Partial:
                            cut = true;
                            break;
                    }
                }

                if (!starts && cut)
                {
                    // A marker may start here, cut by the end of the text: decided when more comes.
                    return false;
                }

                if (!starts && bounds.EndAfterLastCall)
                {
                    // Text that starts no call: the section's closer is missing and the text is content.
                    return true;
                }

                _followChecked = true;
            }

            var end = -1;
            foreach (var close in bounds.Closers)
            {
                var at = region[from..limit].IndexOf(close, StringComparison.Ordinal);
                if (at >= 0 && (end < 0 || from + at + close.Length < end))
                {
                    end = from + at + close.Length;
                }
            }

            if (end < 0)
            {
                // A closer cut at the limit is searched again next time.
                _callScan = Math.Max(from, Math.Max(0, limit - bounds.LongestCloser + 1));
                return false;
            }

            _lastCallEnd = _followScan = from = end;
            _followChecked = false;
        }
    }

    /// <summary>The distinct first characters of the markers (usually just <c>&lt;</c>); empty when there are too many to search at once.</summary>
    private static string MarkerStarts(string[] closers, string[] stops, CallBounds? calls)
    {
        Span<char> starts = stackalloc char[5];
        var n = 0;
        foreach (var m in closers)
        {
            n = AddStart(starts, n, m);
        }

        foreach (var m in stops)
        {
            n = AddStart(starts, n, m);
        }

        if (calls is not null)
        {
            n = AddStart(starts, n, calls.Opener);
            foreach (var m in calls.Closers)
            {
                n = AddStart(starts, n, m);
            }
        }

        return n < 0 ? string.Empty : n == 1 && starts[0] == '<' ? "<" : new string(starts[..n]);
    }

    /// <summary>Adds a marker's first character; -1 once there are more than fit (the fast path is then off).</summary>
    private static int AddStart(Span<char> starts, int n, string marker)
    {
        if (n < 0 || starts[..n].Contains(marker[0]))
        {
            return n;
        }

        if (n == starts.Length)
        {
            return -1;
        }

        starts[n] = marker[0];
        return n + 1;
    }

    public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context)
    {
        if (!_started)
        {
            context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
            return region.Length;
        }

        var body = region[openerLength..(_bodyEnd >= 0 ? _bodyEnd : region.Length)];
        if (_bodyEnd < 0)
        {
            body = body[..Spans.WithoutPartialMarker(body, closers)];
        }

        if (_bodyEnd < 0 && endOfStream && body.IsWhiteSpace())
        {
            // Only the opener (and perhaps a cut closer) came: there is no call to read, but the text is kept.
            context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool-call section.", region);
            return region.Length;
        }

        reader(context, body, _bodyEnd < 0 && endOfStream, region);

        // A closer cut by the end of the output was left out of the body: it goes back to the output text, not lost.
        return _bodyEnd >= 0 ? region.Length : openerLength + body.Length;
    }

    public override void Rebase(int shift)
    {
        _bodyEnd = Shift(_bodyEnd, shift);
        _lastCallEnd = Shift(_lastCallEnd, shift);
        _callScan = Shift(_callScan, shift);
        _followScan = Shift(_followScan, shift);
    }

    /// <summary>Where a section's calls begin and end (see the remarks on <see cref="SectionRegion"/>).</summary>
    /// <param name="Opener">A call's opener.</param>
    /// <param name="Closers">A call's closers.</param>
    /// <param name="EndAfterLastCall">Whether text after the last call that starts no call ends the section (call closers are special tokens).</param>
    public sealed record CallBounds(string Opener, string[] Closers, bool EndAfterLastCall)
    {
        public int LongestCloser { get; } = Closers.Max(c => c.Length);
    }

    /// <summary>Splits a section body into the calls between <paramref name="callOpen"/> and one of <paramref name="callCloses"/> and reads each.</summary>
    /// <remarks><paramref name="raw"/> is the section's region as its reader got it (to the end of the output when <paramref name="truncated"/>).</remarks>
    public static void ReadCalls(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw, string callOpen, string[] callCloses, Reader readCall)
    {
        var p = 0;

        // Where each closer next occurs (searched again only once passed), so that calls without closers do not make
        // every call search to the end of the section.
        Span<int> nextClose = stackalloc int[callCloses.Length];
        nextClose.Fill(-2);
        while (true)
        {
            var start = body[p..].IndexOf(callOpen, StringComparison.Ordinal);
            if (start < 0)
            {
                ReportJunk(context, body[p..]);
                return;
            }

            ReportJunk(context, body[p..(p + start)]);
            start += p;
            var inner = start + callOpen.Length;
            var end = -1;
            var closeLength = 0;
            for (var k = 0; k < callCloses.Length; k++)
            {
                if (nextClose[k] == -2 || (nextClose[k] >= 0 && nextClose[k] < inner))
                {
                    var e = body[inner..].IndexOf(callCloses[k], StringComparison.Ordinal);
                    nextClose[k] = e < 0 ? -1 : inner + e;
                }

                if (nextClose[k] >= 0 && (end < 0 || nextClose[k] < end))
                {
                    end = nextClose[k];
                    closeLength = callCloses[k].Length;
                }
            }

            // A call without its closer ends at the next call's opener, or at the end of the section.
            var next = body[inner..].IndexOf(callOpen, StringComparison.Ordinal);
            if (next >= 0 && (end < 0 || inner + next < end))
            {
                readCall(context, body[inner..(inner + next)], false, body[start..(inner + next)]);
                p = inner + next;
                continue;
            }

            if (end < 0)
            {
                // A call closer cut by the end of the output is markup; but when the section's own closer was cut off
                // the body, the body no longer ends where the output does and what ends it is text (it may look like
                // a cut call closer, and is kept).
                var rest = body[inner..];
                if (truncated && EndsAt(body, raw))
                {
                    rest = rest[..Spans.WithoutPartialMarker(rest, callCloses)];
                }

                readCall(context, rest, truncated, body[start..]);
                return;
            }

            readCall(context, body[inner..end], false, body[start..(end + closeLength)]);
            p = end + closeLength;
        }
    }

    /// <summary>Whether <paramref name="body"/> ends where <paramref name="raw"/> (the region, to the end of the output when truncated) ends.</summary>
    private static bool EndsAt(ReadOnlySpan<char> body, ReadOnlySpan<char> raw)
        => raw.Overlaps(body, out var offset) ? offset + body.Length == raw.Length : body.IsEmpty;

    /// <summary>Text inside a section that is no call (prose after the last call of an unclosed section, say) is content.</summary>
    private static void ReportJunk(ParseContext context, ReadOnlySpan<char> text)
    {
        if (!text.IsWhiteSpace())
        {
            context.EmitContent(text);
        }
    }
}
