namespace ToolLoop.Parsing;

/// <summary>
/// Gemma 4: <c>&lt;|tool_call&gt;call:NAME{key:&lt;|"|&gt;text&lt;|"|&gt;,n:3,flag:true,obj:{…},list:[…]}&lt;tool_call|&gt;</c>,
/// converted to a JSON object. Reasoning is <c>&lt;|channel&gt;thought\n…&lt;channel|&gt;</c>. The same format reads
/// FunctionGemma (<c>&lt;start_function_call&gt;call:NAME{k:&lt;escape&gt;v&lt;escape&gt;}&lt;end_function_call&gt;</c>) and,
/// outside <see cref="ToolCallFormat.Auto"/>, the bare <c>call:NAME{…}</c> left when an engine strips special tokens
/// (formats.md 5.2): only for a declared NAME, only anchored (at the start of the output or of a line, or right after a
/// call), and only while no wrapped call was seen.
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
    private const string FunctionGemmaOpen = "<start_function_call>";
    private const string FunctionGemmaClose = "<end_function_call>";
    private const string FunctionGemmaQuote = "<escape>";

    private static readonly Wrapper s_gemma4 = new(Close, TurnEnd, Quote);
    private static readonly Wrapper s_functionGemma = new(FunctionGemmaClose, null, FunctionGemmaQuote);

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new ToolCallRegion(c, s_gemma4), specialToken: true);
        b.Call(FunctionGemmaOpen, static c => new ToolCallRegion(c, s_functionGemma), specialToken: true);
        if (!b.IsAuto)
        {
            b.Call(BareCallRegion.Opener, static c => new BareCallRegion(c), anchored: true);
        }

        b.Reasoning("<|channel>thought", "<channel|>");
        b.Reasoning("<|channel>", "<channel|>");
        b.StripInContent(Close, "<|tool_response>", FunctionGemmaClose, "<start_function_response>");
    }

    /// <summary>A wrapped form's closer, its alternative closer, and its string delimiter.</summary>
    private sealed record Wrapper(string Close, string? AltClose, string Quote);

    private enum State
    {
        Prefix,
        Name,
        Body,
        AfterBody,
    }

    private sealed class ToolCallRegion(ParseContext context, Wrapper wrapper) : CallRegion
    {
        private readonly string _close = wrapper.Close;
        private readonly string? _altClose = wrapper.AltClose;
        private readonly string _quote = wrapper.Quote;
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
                                var q = Spans.MatchAt(region, pos, _quote);
                                if (q == MatchKind.Partial)
                                {
                                    return RegionStatus.NeedMore;
                                }

                                if (q == MatchKind.Full)
                                {
                                    _inString = !_inString;
                                    pos += _quote.Length;
                                    continue;
                                }

                                if (!_inString)
                                {
                                    // The closer without a balanced body (a cut or sloppy call) still ends the call.
                                    var close = Spans.MatchAt(region, pos, _close);
                                    var turn = _altClose is null ? MatchKind.None : Spans.MatchAt(region, pos, _altClose);
                                    if (close == MatchKind.Partial || turn == MatchKind.Partial)
                                    {
                                        return RegionStatus.NeedMore;
                                    }

                                    if (close == MatchKind.Full || turn == MatchKind.Full)
                                    {
                                        _bodyEnd = pos;
                                        pos += close == MatchKind.Full ? _close.Length : _altClose!.Length;
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

                        var cl = Spans.MatchAt(region, p, _close);
                        var te = _altClose is null ? MatchKind.None : Spans.MatchAt(region, p, _altClose);
                        if (cl == MatchKind.Full || te == MatchKind.Full)
                        {
                            pos = p + (cl == MatchKind.Full ? _close.Length : _altClose!.Length);
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
            ctx.WrappedCallSeen = true;
            if (_maxDepth > ctx.Options.MaxJsonDepth)
            {
                ctx.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call is nested deeper than {ctx.Options.MaxJsonDepth} levels.", region, name);
                return region.Length;
            }

            // Ended before <tool_call|>: completed by its closer at least.
            var healed = endOfStream;
            ReadOnlySpan<char> body;
            if (_bodyEnd < 0 || _depth > 0)
            {
                // Cut short (end of output, or a closer before the body closed): close what is open.
                var end = _bodyEnd < 0 ? region.Length : _bodyEnd;
                var text = region[_bodyStart..end];
                if (_bodyEnd < 0)
                {
                    text = text[..(_altClose is null ? Spans.WithoutPartialMarker(text, _close) : Spans.WithoutPartialMarker(text, [_close, _altClose]))];
                    if (_inString || !EndsAtBoundary(ref text, _quote))
                    {
                        // Cut inside a string or a bare value (which only ends at ',' or '}'): it may be incomplete.
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a value of this tool call; the call is not run.", region, name, region[_bodyStart..].ToString());
                        return region.Length;
                    }
                }

                var closers = string.Concat(_open);
                body = string.Concat(text, _inString ? _quote : string.Empty, closers);
                healed = true;
            }
            else
            {
                body = region[_bodyStart.._bodyEnd];
            }

            if (!GemmaValues.TryConvertObject(body, _quote, ctx.Options.MaxJsonDepth + 1, out var json, GemmaValues.DeclaredProperties(ctx.SchemaFor(name))))
            {
                ctx.EmitProblem(healed ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                    healed ? "The output ended inside this tool call and it cannot be completed." : "The tool call's arguments cannot be read.", region, name);
                return region.Length;
            }

            ctx.EmitCall(null, name, json, healed, ToolCallFormat.Gemma4);
            return region.Length;
        }

        /// <summary>Whether cut text ends after a complete value: a closing quote, a bracket, or a comma (dropped).</summary>
        private static bool EndsAtBoundary(ref ReadOnlySpan<char> text, string quote)
        {
            text = text.TrimEnd();
            if (text.EndsWith(quote, StringComparison.Ordinal) || (text.Length > 0 && text[^1] is '}' or ']' or '{' or '['))
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
    /// <summary>
    /// The bare form <c>call:NAME{…}</c> (formats.md 5.2): <c>call</c>, optional whitespace, <c>:</c>, a declared NAME and
    /// a body that ends at the <c>}</c> bringing the brace count back to zero (braces inside quoted runs do not count;
    /// <c>[</c>/<c>]</c> never do). A guess: anything else is the text it was, and over the size cap it is content too.
    /// </summary>
    private sealed class BareCallRegion(ParseContext context) : CallRegion
    {
        public const string Opener = "call";
        private State _state = State.Prefix;
        private int _nameStart = -1;
        private int _nameEnd;
        private int _bodyStart;
        private int _depth;
        private char _quote;
        private bool _escaped;
        private char _last = '{';
        private int _nesting;
        private int _maxNesting;

        public override ToolCallFormat Format => ToolCallFormat.Gemma4;

        public override bool IsSpeculative => true;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (context.WrappedCallSeen)
            {
                return RegionStatus.Reject;
            }

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

                        if (region[pos] != ':')
                        {
                            return RegionStatus.Reject;
                        }

                        pos++;
                        _state = State.Name;
                        break;

                    case State.Name:
                        if (_nameStart < 0)
                        {
                            pos = Spans.SkipWhitespace(region, pos);
                            if (pos >= region.Length)
                            {
                                return RegionStatus.NeedMore;
                            }

                            _nameStart = pos;
                        }

                        while (pos < region.Length && (char.IsAsciiLetterOrDigit(region[pos]) || region[pos] is '_' or '.' or '-'))
                        {
                            if (++pos - _nameStart > MaxName)
                            {
                                return RegionStatus.Reject;
                            }
                        }

                        if (_nameEnd == 0)
                        {
                            if (pos >= region.Length)
                            {
                                return RegionStatus.NeedMore;
                            }

                            _nameEnd = pos;
                            if (_nameEnd == _nameStart || !context.IsDeclared(region[_nameStart.._nameEnd].ToString()))
                            {
                                return RegionStatus.Reject;
                            }
                        }

                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] != '{')
                        {
                            return RegionStatus.Reject;
                        }

                        _bodyStart = pos++;
                        _depth = _nesting = _maxNesting = 1;
                        _state = State.Body;
                        break;

                    case State.Body:
                        for (; pos < region.Length; pos++)
                        {
                            var c = region[pos];
                            if (_quote != '\0')
                            {
                                if (_escaped)
                                {
                                    _escaped = false;
                                }
                                else if (c == '\\')
                                {
                                    _escaped = true;
                                }
                                else if (c == _quote)
                                {
                                    _quote = '\0';
                                    _last = c;
                                }

                                continue;
                            }

                            if (c is '"' or '\'' && GemmaValues.OpensQuote(_last, c, pos > 0 && char.IsWhiteSpace(region[pos - 1])))
                            {
                                _quote = c;
                            }
                            else if (c is '{' or '[')
                            {
                                // Objects and arrays both nest (for the depth cap); only braces end the body.
                                _maxNesting = Math.Max(_maxNesting, ++_nesting);
                                _depth += c == '{' ? 1 : 0;
                            }
                            else if (c is '}' or ']')
                            {
                                _nesting = Math.Max(0, _nesting - 1);
                                if (c == '}' && --_depth == 0)
                                {
                                    pos++;
                                    _state = State.AfterBody;
                                    return RegionStatus.Complete;
                                }
                            }

                            if (!char.IsWhiteSpace(c))
                            {
                                _last = c;
                            }
                        }

                        return RegionStatus.NeedMore;

                    default:
                        return RegionStatus.Complete;
                }
            }
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_state != State.Body && _state != State.AfterBody)
            {
                // The output ended before the call could be told from prose: it was prose.
                ctx.EmitContent(region);
                return region.Length;
            }

            var name = region[_nameStart.._nameEnd].ToString();
            if (_state == State.Body)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the body of this tool call; the call is not run.", region, name, region[_bodyStart..].ToString());
                return region.Length;
            }

            if (_maxNesting > ctx.Options.MaxJsonDepth)
            {
                ctx.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call is nested deeper than {ctx.Options.MaxJsonDepth} levels.", region, name);
                return region.Length;
            }

            if (!GemmaValues.TryConvertObject(region[_bodyStart..], quote: null, ctx.Options.MaxJsonDepth, out var json, GemmaValues.DeclaredProperties(ctx.SchemaFor(name))))
            {
                ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call's arguments cannot be read.", region, name);
                return region.Length;
            }

            ctx.EmitCall(null, name, json, healed: false, ToolCallFormat.Gemma4);
            return region.Length;
        }

        public override void Rebase(int shift)
        {
            _nameStart = Shift(_nameStart, shift);
            _nameEnd = Shift(_nameEnd, shift);
            _bodyStart = Shift(_bodyStart, shift);
        }
    }
}
