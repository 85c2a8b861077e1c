namespace ToolLoop.Parsing;

/// <summary>
/// Gemma 4: <c>&lt;|tool_call&gt;call:NAME{key:&lt;|"|&gt;text&lt;|"|&gt;,n:3,flag:true,obj:{…},list:[…]}&lt;tool_call|&gt;</c>,
/// converted to a JSON object. Reasoning is <c>&lt;|channel&gt;thought\n…&lt;channel|&gt;</c>.
/// </summary>
internal static class Gemma4Format
{
    public const string Open = "<|tool_call>";
    public const string Close = "<tool_call|>";
    public const string Quote = "<|\"|>";
    private const string TurnEnd = "<turn|>";

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = [TurnEnd, "<end_of_turn>", "<eos>"];

    private const string Prefix = "call:";
    private const int MaxName = 128;

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new ToolCallRegion(c), specialToken: true);
        b.Reasoning("<|channel>thought", "<channel|>");
        b.Reasoning("<|channel>", "<channel|>");
        b.StripInContent(Close, "<|tool_response>");
    }

    private enum State
    {
        Prefix,
        Name,
        Body,
        AfterBody,
    }

    private sealed class ToolCallRegion(ParseContext context) : CallRegion
    {
        private State _state;
        private int _nameStart;
        private int _nameEnd;
        private int _bodyStart;
        private int _bodyEnd = -1;
        private int _depth;
        private int _maxDepth;
        private bool _inString;
        private readonly Stack<char> _open = new();

        public override ToolCallFormat Format => ToolCallFormat.Gemma4;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            while (true)
            {
                switch (_state)
                {
                    case State.Prefix:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        switch (Spans.MatchAt(region, pos, Prefix))
                        {
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                            case MatchKind.None:
                                return RegionStatus.Reject;
                        }

                        pos += Prefix.Length;
                        _nameStart = pos;
                        _state = State.Name;
                        break;

                    case State.Name:
                        while (pos < region.Length && Spans.IsNameChar(region[pos]))
                        {
                            pos++;
                            if (pos - _nameStart > MaxName)
                            {
                                return RegionStatus.Reject;
                            }
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] != '{' || pos == _nameStart)
                        {
                            return RegionStatus.Reject;
                        }

                        _nameEnd = pos;
                        _bodyStart = pos;
                        _state = State.Body;
                        break;

                    case State.Body:
                        while (pos < region.Length)
                        {
                            var c = region[pos];
                            if (c == '<')
                            {
                                var q = Spans.MatchAt(region, pos, Quote);
                                if (q == MatchKind.Partial)
                                {
                                    return RegionStatus.NeedMore;
                                }

                                if (q == MatchKind.Full)
                                {
                                    _inString = !_inString;
                                    pos += Quote.Length;
                                    continue;
                                }

                                if (!_inString)
                                {
                                    // The closer without a balanced body (a cut or sloppy call) still ends the call.
                                    var close = Spans.MatchAt(region, pos, Close);
                                    var turn = Spans.MatchAt(region, pos, TurnEnd);
                                    if (close == MatchKind.Partial || turn == MatchKind.Partial)
                                    {
                                        return RegionStatus.NeedMore;
                                    }

                                    if (close == MatchKind.Full || turn == MatchKind.Full)
                                    {
                                        _bodyEnd = pos;
                                        pos += close == MatchKind.Full ? Close.Length : TurnEnd.Length;
                                        return RegionStatus.Complete;
                                    }
                                }
                            }
                            else if (!_inString)
                            {
                                if (c is '{' or '[')
                                {
                                    _depth++;
                                    _maxDepth = Math.Max(_maxDepth, _depth);
                                    if (_depth <= context.Options.MaxJsonDepth + 1)
                                    {
                                        _open.Push(c == '{' ? '}' : ']');
                                    }
                                }
                                else if (c is '}' or ']' && _depth > 0)
                                {
                                    if (_depth <= context.Options.MaxJsonDepth + 1)
                                    {
                                        _open.Pop();
                                    }

                                    if (--_depth == 0)
                                    {
                                        pos++;
                                        _bodyEnd = pos;
                                        _state = State.AfterBody;
                                        break;
                                    }
                                }
                            }

                            pos++;
                        }

                        if (_state == State.Body)
                        {
                            return RegionStatus.NeedMore;
                        }

                        break;

                    case State.AfterBody:
                        var p = Spans.SkipWhitespace(region, pos);
                        if (p >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        var cl = Spans.MatchAt(region, p, Close);
                        var te = Spans.MatchAt(region, p, TurnEnd);
                        if (cl == MatchKind.Full || te == MatchKind.Full)
                        {
                            pos = p + (cl == MatchKind.Full ? Close.Length : TurnEnd.Length);
                            return RegionStatus.Complete;
                        }

                        if (cl == MatchKind.Partial || te == MatchKind.Partial)
                        {
                            return RegionStatus.NeedMore;
                        }

                        // No closer: the call ends with its body.
                        return RegionStatus.Complete;
                }
            }
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_state is State.Prefix or State.Name)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool-call name.", region);
                return region.Length;
            }

            var name = region[_nameStart.._nameEnd].ToString();
            if (_maxDepth > ctx.Options.MaxJsonDepth)
            {
                ctx.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call is nested deeper than {ctx.Options.MaxJsonDepth} levels.", region, name);
                return region.Length;
            }

            // Ended before <tool_call|>: completed by its closer at least.
            var healed = endOfStream;
            string body;
            if (_bodyEnd < 0 || _depth > 0)
            {
                // Cut short (end of output, or a closer before the body closed): close what is open.
                var end = _bodyEnd < 0 ? region.Length : _bodyEnd;
                var text = region[_bodyStart..end];
                if (_bodyEnd < 0)
                {
                    text = text[..Spans.WithoutPartialMarker(text, Close)];
                    text = text[..Spans.WithoutPartialMarker(text, TurnEnd)];
                    if (_inString || !EndsAtBoundary(ref text))
                    {
                        // Cut inside a string or a bare value (which only ends at ',' or '}'): it may be incomplete.
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a value of this tool call; the call is not run.", region, name, region[_bodyStart..].ToString());
                        return region.Length;
                    }
                }

                var closers = string.Concat(_open);
                body = string.Concat(text, _inString ? Quote : string.Empty, closers);
                healed = true;
            }
            else
            {
                body = region[_bodyStart.._bodyEnd].ToString();
            }

            if (!GemmaValues.TryConvertObject(body, Quote, out var json))
            {
                ctx.EmitProblem(healed ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                    healed ? "The output ended inside this tool call and it cannot be completed." : "The tool call's arguments cannot be read.", region, name);
                return region.Length;
            }

            ctx.EmitCall(null, name, json, healed, ToolCallFormat.Gemma4);
            return region.Length;
        }

        /// <summary>Whether cut text ends after a complete value: a closing quote, a bracket, or a comma (dropped).</summary>
        private static bool EndsAtBoundary(ref ReadOnlySpan<char> text)
        {
            text = text.TrimEnd();
            if (text.EndsWith(Quote, StringComparison.Ordinal) || (text.Length > 0 && text[^1] is '}' or ']' or '{' or '['))
            {
                return true;
            }

            if (text.Length > 0 && text[^1] == ',')
            {
                text = text[..^1];
                return true;
            }

            return false;
        }

        public override int CommittedEnd => _state == State.AfterBody ? _bodyEnd : 0;

        public override void Rebase(int shift)
        {
            _nameStart = Shift(_nameStart, shift);
            _nameEnd = Shift(_nameEnd, shift);
            _bodyStart = Shift(_bodyStart, shift);
            _bodyEnd = Shift(_bodyEnd, shift);
        }
    }
}
