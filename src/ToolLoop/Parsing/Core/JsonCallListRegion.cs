namespace ToolLoop.Parsing;

/// <summary>
/// A JSON list of calls after an opener, up to an optional closer, shared by the array families: Nemotron Nano v2
/// <c>&lt;TOOLCALL&gt;[…]&lt;/TOOLCALL&gt;</c>, Command R7B <c>&lt;|START_ACTION|&gt;[…]&lt;|END_ACTION|&gt;</c>, Granite 3.x
/// <c>&lt;|tool_call|&gt;[…]</c>, Apertus <c>&lt;|tools_prefix|&gt;[…]&lt;|tools_suffix|&gt;</c>, FireFunction <c>functools[…]</c>,
/// Hunyuan-A13B <c>&lt;tool_calls&gt;[…]&lt;/tool_calls&gt;</c>. The list ends where its JSON closes; a closer outside any
/// string ends it even when brackets are missing. A family with a closer whose output lacks it gets its calls marked
/// healed (the closer was supplied); a family without one is complete once the JSON is.
/// </summary>
internal sealed class JsonCallListRegion(ParseContext context, JsonCallList list, int jsonFrom) : CallRegion
{
    private readonly JsonScanner _json = new(context.Options.MaxJsonDepth);
    private State _state;
    private int _jsonStart = -1;
    private int _jsonEnd = -1;
    private int _end = -1;
    private bool _closed;
    private int _skipped = -1;

    private enum State
    {
        Start,
        Json,
        AfterJson,
    }

    public override ToolCallFormat Format => list.Format;

    public override bool IsSpeculative => list.Speculative && _state == State.Start;

    // After the JSON, only whitespace and an optional closer can follow.
    public override int CommittedEnd => _state == State.AfterJson && _end < 0 ? _jsonEnd : 0;

    public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
    {
        if (_state == State.Start)
        {
            // Whitespace already skipped is not looked at again; the opener may end with the list's own bracket.
            var p = Spans.SkipWhitespace(region, _skipped < 0 ? jsonFrom : _skipped);
            _skipped = p;
            if (p >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            var c = region[p];
            if (!(c == '[' || (c == '{' && list.AllowObject)))
            {
                return RegionStatus.Reject;
            }

            if (list.NameKeyFirst)
            {
                // A multi-token opener (FireFunction's "functools["): only "[ {"name"" makes it a call. The look is short.
                var q = SkipShortWhitespace(region, p + 1);
                if (q < region.Length && region[q] == '{')
                {
                    q = SkipShortWhitespace(region, q + 1);
                }
                else if (q < region.Length)
                {
                    return RegionStatus.Reject;
                }

                switch (q >= region.Length ? MatchKind.Partial : Spans.MatchAt(region, q, "\"name\""))
                {
                    case MatchKind.Partial when q - p < 64:
                        return RegionStatus.NeedMore;
                    case MatchKind.Partial or MatchKind.None:
                        return RegionStatus.Reject;
                }
            }

            _jsonStart = pos = p;
            _state = State.Json;
        }

        if (_state == State.Json)
        {
            while (true)
            {
                var lt = list.Closer is null ? -1 : region[pos..].IndexOf('<');
                var limit = lt < 0 ? region.Length : pos + lt;
                if (_json.Feed(region[..limit], ref pos))
                {
                    _jsonEnd = pos;
                    _state = State.AfterJson;
                    break;
                }

                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                if (!_json.InString)
                {
                    switch (Spans.MatchAt(region, pos, list.Closer!))
                    {
                        case MatchKind.Full:
                            // The closer came before the brackets balanced (a model that drops them): the call ends here.
                            _jsonEnd = pos;
                            _closed = true;
                            _end = pos = pos + list.Closer!.Length;
                            return RegionStatus.Complete;
                        case MatchKind.Partial:
                            return RegionStatus.NeedMore;
                    }
                }

                _json.Feed(region[..(pos + 1)], ref pos);
            }
        }

        if (list.Closer is null)
        {
            _end = pos = _jsonEnd;
            return RegionStatus.Complete;
        }

        // After the JSON: whitespace, then the closer; anything else means it is missing and the call ends with its JSON.
        // Whitespace already seen is not looked at again (pos moves past it).
        var after = Spans.SkipWhitespace(region, Math.Max(pos, _jsonEnd));
        if (after >= region.Length)
        {
            pos = region.Length;
            return RegionStatus.NeedMore;
        }

        switch (Spans.MatchAt(region, after, list.Closer))
        {
            case MatchKind.Full:
                _closed = true;
                _end = pos = after + list.Closer.Length;
                return RegionStatus.Complete;
            case MatchKind.Partial:
                pos = after;
                return RegionStatus.NeedMore;
        }

        _end = pos = _jsonEnd;
        return RegionStatus.Complete;
    }

    private static int SkipShortWhitespace(ReadOnlySpan<char> region, int p)
    {
        var limit = Math.Min(region.Length, p + 32);
        while (p < limit && char.IsWhiteSpace(region[p]))
        {
            p++;
        }

        return p;
    }

    public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
    {
        if (_state == State.Start)
        {
            if (list.Speculative)
            {
                // A multi-token opener the output ended right after: text.
                ctx.EmitContent(region);
            }
            else
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
            }

            return region.Length;
        }

        var consumed = _end >= 0 ? _end : region.Length;
        var jsonEnd = _jsonEnd >= 0 ? _jsonEnd : region.Length;
        if (_end < 0 && _jsonEnd >= 0)
        {
            // The output ended after the JSON, with whitespace or a cut closer: they go back to the output text.
            consumed = _jsonEnd;
        }

        var cut = _jsonEnd < 0 && endOfStream;
        var json = region[_jsonStart..jsonEnd];
        if (cut && list.Closer is not null)
        {
            json = json[..Spans.WithoutPartialMarker(json, list.Closer)];
            consumed = _jsonStart + json.Length;
        }

        list.Emit(ctx, json, _json, cut, unclosed: list.Closer is not null && !_closed, region[..consumed]);
        return consumed;
    }

    public override void Rebase(int shift)
    {
        _jsonStart = Shift(_jsonStart, shift);
        _jsonEnd = Shift(_jsonEnd, shift);
        _end = Shift(_end, shift);
        _skipped = Shift(_skipped, shift);
    }
}
