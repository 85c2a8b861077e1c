namespace ToolLoop.Parsing;

/// <summary>
/// Hermes / Qwen2.5 / Qwen3 / Granite 4: <c>&lt;tool_call&gt;{"name", "arguments"}&lt;/tool_call&gt;</c>. The opener is
/// shared with Qwen3-Coder and GLM (<see cref="ToolCallTag"/>), which picks this JSON body when <c>{</c> or <c>[</c> follows it.
/// </summary>
internal static class HermesFormat
{
    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCallTag.Open, ToolCallTag.Region);

        // Hermes 2 Pro fine-tunes also write <function=NAME>{json}</function>; read only for declared tools.
        b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c, firstCallOnly: false));
        b.StripInContent(ToolCallTag.Close);
        b.Strip("<|im_start|>");
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
            var truncated = endOfStream && _jsonEnd < 0;
            var json = region[_jsonStart..(_jsonEnd >= 0 ? _jsonEnd : region.Length)];
            if (!truncated && !_json.Done)
            {
                // Closed by </tool_call> with brackets left open: complete them, and say so.
                truncated = true;
            }

            if (json.TrimStart().StartsWith("["))
            {
                EmitArray(ctx, json, truncated, region);
                return;
            }

            // The output ended before </tool_call>: the call was completed (if only by its closer), so it is marked healed.
            JsonCalls.EmitCallObject(ctx, json, _json, truncated, region, ToolCallFormat.Hermes, unclosed: endOfStream);
        }

        public override void Rebase(int shift)
        {
            _jsonStart = CallRegion.Shift(_jsonStart, shift);
            _jsonEnd = CallRegion.Shift(_jsonEnd, shift);
            _trailingStart = CallRegion.Shift(_trailingStart, shift);
        }

        private void EmitArray(ParseContext ctx, ReadOnlySpan<char> json, bool truncated, ReadOnlySpan<char> raw)
        {
            var text = truncated ? JsonCalls.Heal(json, _json) : json.ToString();
            using var doc = text is null ? null : JsonCalls.TryParse(text, ctx, out _);
            if (doc is null || doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                ctx.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool-call array cannot be read.", raw);
                return;
            }

            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (JsonCalls.TryReadCall(item, out var name, out var args, out var id, out var error))
                {
                    ctx.EmitCall(id, name, args, truncated, ToolCallFormat.Hermes);
                }
                else
                {
                    ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + error + ".", item.GetRawText(), name.Length > 0 ? name : null);
                }
            }
        }
    }
}
