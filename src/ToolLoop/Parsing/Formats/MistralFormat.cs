namespace ToolLoop.Parsing;

/// <summary>
/// Mistral: v0.3 <c>[TOOL_CALLS] [{"name", "arguments", "id"?}, …]</c>; v11 <c>[TOOL_CALLS]NAME[CALL_ID]ID[ARGS]{json}</c>;
/// v13 <c>[TOOL_CALLS]NAME[ARGS]{json}</c>; control tokens stripped by the runtime: <c>[TOOL_CALLS]NAME{json}</c>.
/// Reasoning is <c>[THINK]…[/THINK]</c>.
/// </summary>
internal static class MistralFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = ["</s>"];

    public const string ToolCalls = "[TOOL_CALLS]";
    private const string CallId = "[CALL_ID]";
    private const string Args = "[ARGS]";
    private const int MaxName = 128;

    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCalls, static c => new ToolCallsRegion(c), specialToken: true);
        b.Reasoning("[THINK]", "[/THINK]");
    }

    private enum State
    {
        Start,
        Name,
        Id,
        BeforeArgs,
        AfterArgs,
        Json,
    }

    private sealed class ToolCallsRegion(ParseContext context) : CallRegion
    {
        private readonly JsonScanner _json = new(context.Options.MaxJsonDepth);
        private State _state;
        private bool _array;
        private int _nameStart;
        private int _nameEnd;
        private int _idStart = -1;
        private int _idEnd;
        private int _jsonStart;
        private int _count;

        public override ToolCallFormat Format => ToolCallFormat.Mistral;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            while (true)
            {
                if (_state != State.Start && pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                switch (_state)
                {
                    case State.Start:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] == '[')
                        {
                            // v0.3: a JSON array of calls.
                            if (pos + 1 >= region.Length)
                            {
                                return RegionStatus.NeedMore;
                            }

                            if (region[pos + 1] is not ('{' or ']') && !char.IsWhiteSpace(region[pos + 1]))
                            {
                                return RegionStatus.Reject;
                            }

                            _array = true;
                            _jsonStart = pos;
                            _state = State.Json;
                            break;
                        }

                        if (region[pos] == '{')
                        {
                            _jsonStart = pos;
                            _state = State.Json;
                            break;
                        }

                        if (!Spans.IsNameChar(region[pos]))
                        {
                            return RegionStatus.Reject;
                        }

                        _nameStart = pos;
                        _state = State.Name;
                        break;

                    case State.Name:
                        while (pos < region.Length && Spans.IsNameChar(region[pos]))
                        {
                            pos++;
                            if (++_count > MaxName)
                            {
                                return RegionStatus.Reject;
                            }
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        _nameEnd = pos;
                        _state = State.BeforeArgs;
                        break;

                    case State.Id:
                        while (pos < region.Length && char.IsAsciiLetterOrDigit(region[pos]))
                        {
                            pos++;
                            if (++_count > 64)
                            {
                                return RegionStatus.Reject;
                            }
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        _idEnd = pos;
                        _state = State.BeforeArgs;
                        break;

                    case State.BeforeArgs:
                        // NAME {json}: whitespace or newlines may stand between the name and the object.
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] == '{')
                        {
                            _jsonStart = pos;
                            _state = State.Json;
                            break;
                        }

                        var a = Spans.MatchAt(region, pos, Args);
                        var c = _idStart < 0 ? Spans.MatchAt(region, pos, CallId) : MatchKind.None;
                        if (a == MatchKind.Full)
                        {
                            pos += Args.Length;
                            _state = State.AfterArgs;
                            break;
                        }

                        if (c == MatchKind.Full)
                        {
                            pos += CallId.Length;
                            _idStart = pos;
                            _count = 0;
                            _state = State.Id;
                            break;
                        }

                        return a == MatchKind.Partial || c == MatchKind.Partial ? RegionStatus.NeedMore : RegionStatus.Reject;

                    case State.AfterArgs:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] != '{')
                        {
                            return RegionStatus.Reject;
                        }

                        _jsonStart = pos;
                        _state = State.Json;
                        break;

                    case State.Json:
                        return _json.Feed(region, ref pos) ? RegionStatus.Complete : RegionStatus.NeedMore;
                }
            }
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            var name = _nameEnd > _nameStart ? region[_nameStart.._nameEnd].ToString() : null;
            if (_state != State.Json)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended before the tool call's arguments.", region, name);
                return region.Length;
            }

            var cut = endOfStream && !_json.Done;
            var json = region[_jsonStart..];
            if (_array)
            {
                JsonCalls.EmitCallArray(ctx, json, cut, region, ToolCallFormat.Mistral, JsonCallShape.WithId);
            }
            else if (name is null)
            {
                // [TOOL_CALLS]{"name": …}: one call object where an array was expected.
                JsonCalls.EmitCallObject(ctx, json, cut, closed: false, unclosed: false, region, ToolCallFormat.Mistral, JsonCallShape.WithId);
            }
            else
            {
                JsonCalls.EmitArguments(ctx, _idStart >= 0 ? region[_idStart.._idEnd].ToString() : null, name, json, cut, region, ToolCallFormat.Mistral);
            }

            return region.Length;
        }

        public override void Rebase(int shift)
        {
            _nameStart = Shift(_nameStart, shift);
            _nameEnd = Shift(_nameEnd, shift);
            _idStart = Shift(_idStart, shift);
            _idEnd = Shift(_idEnd, shift);
            _jsonStart = Shift(_jsonStart, shift);
        }
    }
}
