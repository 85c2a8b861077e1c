namespace ToolLoop.Parsing;

/// <summary>
/// Hermes / Qwen2.5 / Qwen3 / Granite 4: <c>&lt;tool_call&gt;{"name", "arguments"}&lt;/tool_call&gt;</c>. The opener is
/// shared with Qwen3-Coder and GLM (<see cref="ToolCallTag"/>), which picks this JSON body when <c>{</c> or <c>[</c> follows it.
/// </summary>
internal static class HermesFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>): the next turn's opener, when the runtime did not stop at <c>&lt;|im_end|&gt;</c>.</summary>
    public static readonly string[] TurnEnds = ["<|im_start|>"];

    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCallTag.Open, ToolCallTag.Region);

        // Hermes 2 Pro fine-tunes also write <function=NAME>{json}</function>; read only for declared tools.
        b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c));
        b.StripInContent(ToolCallTag.Close);
    }

    /// <summary>Hermes JSON body: one object (or a Granite-style array of objects), then <c>&lt;/tool_call&gt;</c>.</summary>
    internal sealed class JsonBody(ParseContext context) : ToolCallTag.Body
    {
        private readonly JsonScanner _json = new(context.Options.MaxJsonDepth);
        private int _jsonStart = -1;
        private int _jsonEnd = -1;
        private int _trailingStart = -1;

        public override ToolCallFormat Format => ToolCallFormat.Hermes;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_jsonStart < 0)
            {
                _jsonStart = pos;
            }

            if (_jsonEnd < 0)
            {
                // A closer outside any JSON string ends the call even when braces are missing (small models drop them).
                while (true)
                {
                    var lt = region[pos..].IndexOf('<');
                    var limit = lt < 0 ? region.Length : pos + lt;
                    if (_json.Feed(region[..limit], ref pos))
                    {
                        _jsonEnd = pos;
                        break;
                    }

                    if (pos >= region.Length)
                    {
                        return RegionStatus.NeedMore;
                    }

                    if (!_json.InString)
                    {
                        switch (Spans.MatchAt(region, pos, ToolCallTag.Close))
                        {
                            case MatchKind.Full:
                                _jsonEnd = pos;
                                pos += ToolCallTag.Close.Length;
                                return RegionStatus.Complete;
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                        }
                    }

                    _json.Feed(region[..(pos + 1)], ref pos);
                }
            }

            // After the JSON: whitespace, stray closing brackets (a common slip), then the closer.
            if (_trailingStart < 0)
            {
                _trailingStart = pos;
            }

            while (pos < region.Length && (char.IsWhiteSpace(region[pos]) || region[pos] is '}' or ']'))
            {
                pos++;
            }

            if (pos >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            switch (Spans.MatchAt(region, pos, ToolCallTag.Close))
            {
                case MatchKind.Full:
                    pos += ToolCallTag.Close.Length;
                    return RegionStatus.Complete;
                case MatchKind.Partial:
                    return RegionStatus.NeedMore;
            }

            // No closer: the call ends here (the next call's opener or prose follows).
            pos = _trailingStart;
            return RegionStatus.Complete;
        }

        public override void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            var cut = endOfStream && _jsonEnd < 0;
            var json = region[_jsonStart..(_jsonEnd >= 0 ? _jsonEnd : region.Length)];
            if (cut && !_json.InString)
            {
                // A closer cut by the end of the output is markup, not JSON.
                json = json[..Spans.WithoutPartialMarker(json, ToolCallTag.Close)];
            }

            if (json.TrimStart().StartsWith("["))
            {
                JsonCalls.EmitCallArray(ctx, json, cut, region, ToolCallFormat.Hermes, JsonCallShape.Default);
                return;
            }

            // Closed by </tool_call> with brackets left open (small models drop them): the closer makes the text whole.
            // Ended before </tool_call>: the call was completed (if only by its closer), so it is marked healed.
            JsonCalls.EmitCallObject(ctx, json, cut, closed: !cut && !_json.Done, unclosed: endOfStream, region, ToolCallFormat.Hermes, JsonCallShape.Default);
        }

        // The JSON is complete; whitespace, stray brackets and the closer are lookahead.
        public override int CommittedEnd => _jsonEnd >= 0 ? _trailingStart : 0;

        public override void Rebase(int shift)
        {
            _jsonStart = CallRegion.Shift(_jsonStart, shift);
            _jsonEnd = CallRegion.Shift(_jsonEnd, shift);
            _trailingStart = CallRegion.Shift(_trailingStart, shift);
        }
    }
}
