using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// Mistral: v0.3 <c>[TOOL_CALLS] [{"name", "arguments", "id"?}, …]</c>; v11 <c>[TOOL_CALLS]NAME[CALL_ID]ID[ARGS]{json}</c>;
/// v13 <c>[TOOL_CALLS]NAME[ARGS]{json}</c>; control tokens stripped by the runtime: <c>[TOOL_CALLS]NAME{json}</c>.
/// Reasoning is <c>[THINK]…[/THINK]</c>.
/// </summary>
internal static class MistralFormat
{
    public const string ToolCalls = "[TOOL_CALLS]";
    private const string CallId = "[CALL_ID]";
    private const string Args = "[ARGS]";
    private const int MaxName = 128;

    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCalls, static c => new ToolCallsRegion(c));
        b.Reasoning("[THINK]", "[/THINK]");
        b.Strip("</s>");
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
            var truncated = endOfStream && !_json.Done;
            if (_state != State.Json)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended before the tool call's arguments.", region, _nameEnd > _nameStart ? region[_nameStart.._nameEnd].ToString() : null);
                return region.Length;
            }

            var json = region[_jsonStart..];
            if (_json.TooDeep)
            {
                ctx.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {ctx.Options.MaxJsonDepth} levels.", region);
                return region.Length;
            }

            var text = truncated ? JsonCalls.Heal(json, _json) : json.ToString();
            using var doc = text is null ? null : JsonCalls.TryParse(text, ctx, out _);
            if (doc is null)
            {
                ctx.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                    truncated ? "The output ended inside this tool call and it cannot be completed." : "The tool call's JSON is not valid.", region);
                return region.Length;
            }

            if (_array)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Array)
                {
                    ctx.EmitProblem(ToolCallProblemKind.Malformed, "[TOOL_CALLS] is not followed by an array of calls.", region);
                    return region.Length;
                }

                var items = doc.RootElement.GetArrayLength();
                var i = 0;
                foreach (var item in doc.RootElement.EnumerateArray())
                {
                    i++;
                    var last = i == items;
                    if (JsonCalls.TryReadCall(item, out var name, out var args, out var id, out var error))
                    {
                        if (truncated && last && !JsonCalls.NameWasComplete(json, name))
                        {
                            ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool call's name.", item.GetRawText());
                            continue;
                        }

                        ctx.EmitCall(id, name, args, truncated && last, ToolCallFormat.Mistral);
                    }
                    else
                    {
                        ctx.EmitProblem(truncated && last ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call cannot be read: " + error + ".", item.GetRawText(), name.Length > 0 ? name : null);
                    }
                }

                return region.Length;
            }

            var callName = region[_nameStart.._nameEnd].ToString();
            if (!JsonCalls.TryArguments(doc.RootElement, out var arguments, out var argError))
            {
                ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call's arguments cannot be read: " + argError + ".", region, callName);
                return region.Length;
            }

            ctx.EmitCall(_idStart >= 0 ? region[_idStart.._idEnd].ToString() : null, callName, arguments, truncated, ToolCallFormat.Mistral);
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
