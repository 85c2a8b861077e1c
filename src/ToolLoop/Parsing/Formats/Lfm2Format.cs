namespace ToolLoop.Parsing;

/// <summary>
/// Liquid LFM2 / LFM2.5 (formats.md 9.11): <c>&lt;|tool_call_start|&gt;[get_weather(city="Paris", days=3), ping()]&lt;|tool_call_end|&gt;</c>,
/// Python keyword calls read by <see cref="PythonCalls"/>. The call ends at <c>&lt;|tool_call_end|&gt;</c> outside a string, or,
/// when that marker is missing, where the list closes. LFM2.5 may reason in <c>&lt;think&gt;</c> first; call markup inside a
/// closed think block stays reasoning (llama.cpp's "fake tool call marker" test).
/// </summary>
internal static class Lfm2Format
{
    public const string Open = "<|tool_call_start|>";
    public const string Close = "<|tool_call_end|>";

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new CallListRegion(c));

        // LFM2 often echoes the call after the closer and caps the echo with a second closer: the stray closer goes.
        b.StripInContent(Close);
    }

    private sealed class CallListRegion(ParseContext context) : CallRegion
    {
        private bool _started;
        private bool _bracketed;
        private int _depth;
        private char _quote;
        private bool _escape;
        private int _bodyStart = -1;
        private int _bodyEnd = -1;
        private int _listEnd = -1;
        private bool _closed;

        public override ToolCallFormat Format => ToolCallFormat.Lfm2;

        // After the list closed, only whitespace and an optional closer can follow.
        public override int CommittedEnd => _listEnd > 0 && _bodyEnd < 0 ? _listEnd : 0;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (!_started)
            {
                pos = Spans.SkipWhitespace(region, pos);
                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                // The opener spelled in prose is not followed by a call list.
                if (region[pos] != '[' && !(char.IsLetter(region[pos]) || region[pos] == '_'))
                {
                    return RegionStatus.Reject;
                }

                _started = true;
                _bodyStart = pos;
                _bracketed = region[pos] == '[';
            }

            if (_listEnd >= 0)
            {
                var status = AfterList(region, ref pos);
                if (_listEnd >= 0)
                {
                    return status;
                }
            }

            while (pos < region.Length)
            {
                var c = region[pos];
                if (_quote != '\0')
                {
                    if (_escape)
                    {
                        _escape = false;
                    }
                    else if (c == '\\')
                    {
                        _escape = true;
                    }
                    else if (c == _quote)
                    {
                        _quote = '\0';
                    }

                    pos++;
                    continue;
                }

                switch (c)
                {
                    case '"' or '\'':
                        _quote = c;
                        break;
                    case '[' or '(' or '{':
                        _depth++;
                        break;
                    case ']' or ')' or '}':
                        if (_depth > 0 && --_depth == 0 && (c == ']' || !_bracketed))
                        {
                            // The list (or a bare call) closed: the closer may follow; anything else ends the call here.
                            _listEnd = ++pos;
                            var status = AfterList(region, ref pos);
                            if (status != RegionStatus.Complete && _listEnd < 0)
                            {
                                // A comma continued a bare call chain.
                                continue;
                            }

                            return status;
                        }

                        break;
                    case '<':
                        switch (Spans.MatchAt(region, pos, Close))
                        {
                            case MatchKind.Full:
                                _bodyEnd = pos;
                                _closed = true;
                                pos += Close.Length;
                                return RegionStatus.Complete;
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                        }

                        break;
                }

                pos++;
            }

            return RegionStatus.NeedMore;
        }

        /// <summary>After the closing bracket: whitespace, then the closer (consumed), a comma between bare calls, or the end of the call.</summary>
        private RegionStatus AfterList(ReadOnlySpan<char> region, ref int pos)
        {
            pos = Spans.SkipWhitespace(region, pos);
            if (pos >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            if (!_bracketed && region[pos] == ',')
            {
                _listEnd = -1;
                pos++;
                return RegionStatus.NeedMore;
            }

            switch (Spans.MatchAt(region, pos, Close))
            {
                case MatchKind.Full:
                    _bodyEnd = _listEnd;
                    _closed = true;
                    pos += Close.Length;
                    return RegionStatus.Complete;
                case MatchKind.Partial:
                    return RegionStatus.NeedMore;
            }

            _bodyEnd = _listEnd;
            pos = _listEnd;
            return RegionStatus.Complete;
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (!_started)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
                return region.Length;
            }

            var truncated = _bodyEnd < 0;
            var body = region[_bodyStart..(truncated ? region.Length : _bodyEnd)];
            var consumed = region.Length;
            if (truncated)
            {
                // A closer cut by the end of the output goes back to the output text.
                body = body[..Spans.WithoutPartialMarker(body, Close)];
                consumed = _bodyStart + body.Length;
            }

            var calls = PythonCalls.Read(body, truncated && endOfStream, context.Options.MaxJsonDepth);
            if (calls.Count == 0)
            {
                ctx.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool-call list is empty.", region[..consumed]);
                return consumed;
            }

            foreach (var call in calls)
            {
                // One call is the whole region when it is alone; otherwise its own text.
                var raw = calls.Count == 1 ? region[..consumed] : body[call.Start..call.End];
                switch (call.Outcome)
                {
                    case PythonCalls.Outcome.Ok or PythonCalls.Outcome.Healed:
                        // A call whose <|tool_call_end|> is missing was completed by supplying it.
                        ctx.EmitCall(null, call.Name!, call.ArgumentsJson, call.Outcome == PythonCalls.Outcome.Healed || !_closed, ToolCallFormat.Lfm2);
                        break;
                    case PythonCalls.Outcome.Cut:
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside this tool call.", raw, call.Name, body[call.Start..call.End].ToString());
                        break;
                    case PythonCalls.Outcome.TooDeep:
                        ctx.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's arguments are nested deeper than {context.Options.MaxJsonDepth} levels.", raw, call.Name);
                        break;
                    default:
                        ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + (call.Error ?? "it is not a Python call") + ".", raw, call.Name, body[call.Start..call.End].ToString());
                        break;
                }
            }

            return consumed;
        }

        public override void Rebase(int shift)
        {
            _bodyStart = Shift(_bodyStart, shift);
            _bodyEnd = Shift(_bodyEnd, shift);
            _listEnd = Shift(_listEnd, shift);
        }
    }
}
