namespace ToolLoop.Parsing;

/// <summary>
/// Hermes / Qwen2.5 / Qwen3: <c>&lt;tool_call&gt;{"name", "arguments"}&lt;/tool_call&gt;</c>. The <c>&lt;tool_call&gt;</c> opener is
/// shared with Qwen3-Coder and GLM, so the region dispatches on what follows it (formats.md rule 0.9), whatever the format.
/// </summary>
internal static class HermesFormat
{
    public const string Open = "<tool_call>";
    public const string Close = "</tool_call>";

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new ToolCallTagRegion(c));

        // Hermes 2 Pro fine-tunes also write <function=NAME>{json}</function>; read only for declared tools.
        b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c, firstCallOnly: false));
        b.StripInContent(Close);
        b.Strip("<|im_start|>");
    }

    /// <summary>A body grammar inside <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c>.</summary>
    internal abstract class Body
    {
        public abstract ToolCallFormat Format { get; }

        /// <summary>Scans the body; Complete leaves pos at the region end (closer consumed, or before the next opener).</summary>
        public abstract RegionStatus Scan(ReadOnlySpan<char> region, ref int pos);

        public abstract void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context);

        /// <summary>See <see cref="CallRegion.Rebase"/>.</summary>
        public abstract void Rebase(int shift);
    }

    /// <summary>The <c>&lt;tool_call&gt;</c> region: picks JSON, Qwen3-Coder XML or GLM by the first characters of the body.</summary>
    internal sealed class ToolCallTagRegion(ParseContext context) : CallRegion
    {
        private const int MaxGlmName = 128;
        private Body? _body;
        private int _nameLength;

        public override ToolCallFormat Format => _body?.Format ?? ToolCallFormat.Hermes;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_body is null)
            {
                var status = Dispatch(region, ref pos);
                if (status != RegionStatus.Complete)
                {
                    return status;
                }
            }

            return _body!.Scan(region, ref pos);
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_body is null)
            {
                // The output ended before the body could be told apart (whitespace, or a GLM name being read).
                if (endOfStream)
                {
                    ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
                }
                else
                {
                    ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call is empty.", region);
                }

                return region.Length;
            }

            if (endOfStream && _body is Qwen3CoderFormat.XmlBody xml && xml.ShouldRetryLeniently(region))
            {
                // One more pass over this call only, at the end of output: bounded, and only for compact XML.
                var lenient = new Qwen3CoderFormat.XmlBody(ctx, requireToolCallClose: true, lenient: true);
                var pos = Spans.SkipWhitespace(region, Open.Length);
                if (lenient.Scan(region, ref pos) == RegionStatus.Complete)
                {
                    lenient.Finish(region[..pos], endOfStream: false, ctx);
                    return pos;
                }

                lenient.Finish(region, endOfStream: true, ctx);
                return region.Length;
            }

            _body.Finish(region, endOfStream, ctx);
            return region.Length;
        }

        public override void Rebase(int shift) => _body?.Rebase(shift);

        /// <summary>Chooses the body grammar. Returns Complete when chosen (pos where the body starts), NeedMore or Reject otherwise.</summary>
        private RegionStatus Dispatch(ReadOnlySpan<char> region, ref int pos)
        {
            if (_nameLength == 0)
            {
                pos = Spans.SkipWhitespace(region, pos);
                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                var c = region[pos];
                if (c is '{' or '[')
                {
                    _body = new JsonBody(context);
                    return RegionStatus.Complete;
                }

                if (c == '<')
                {
                    var function = Spans.MatchAt(region, pos, Qwen3CoderFormat.FunctionOpen);
                    var close = Spans.MatchAt(region, pos, Close);
                    if (function == MatchKind.Full)
                    {
                        _body = new Qwen3CoderFormat.XmlBody(context, requireToolCallClose: true);
                        return RegionStatus.Complete;
                    }

                    if (close == MatchKind.Full)
                    {
                        pos += Close.Length;
                        _body = new EmptyBody();
                        return RegionStatus.Complete;
                    }

                    return function == MatchKind.Partial || close == MatchKind.Partial ? RegionStatus.NeedMore : RegionStatus.Reject;
                }
            }

            // GLM: a name, then a newline, <arg_key> or </tool_call>. Anything else (a space, a backtick) is prose.
            while (pos < region.Length && Spans.IsNameChar(region[pos]))
            {
                pos++;
                if (++_nameLength > MaxGlmName)
                {
                    return RegionStatus.Reject;
                }
            }

            if (_nameLength == 0)
            {
                return RegionStatus.Reject;
            }

            if (pos >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            var key = Spans.MatchAt(region, pos, GlmFormat.KeyOpen);
            var closer = Spans.MatchAt(region, pos, Close);
            if (region[pos] is '\n' or '\r' || key == MatchKind.Full || closer == MatchKind.Full)
            {
                // Re-read the name in the GLM body (at most MaxGlmName characters again).
                pos = Math.Max(0, pos - _nameLength);
                _body = new GlmFormat.GlmBody();
                return RegionStatus.Complete;
            }

            return key == MatchKind.Partial || closer == MatchKind.Partial ? RegionStatus.NeedMore : RegionStatus.Reject;
        }
    }

    /// <summary><c>&lt;tool_call&gt;&lt;/tool_call&gt;</c>: nothing to read.</summary>
    private sealed class EmptyBody : Body
    {
        public override ToolCallFormat Format => ToolCallFormat.Hermes;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos) => RegionStatus.Complete;

        public override void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context)
            => context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call is empty.", region);

        public override void Rebase(int shift)
        {
        }
    }

    /// <summary>Hermes JSON body: one object (or a Granite-style array of objects), then <c>&lt;/tool_call&gt;</c>.</summary>
    private sealed class JsonBody(ParseContext context) : Body
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
                        switch (Spans.MatchAt(region, pos, Close))
                        {
                            case MatchKind.Full:
                                _jsonEnd = pos;
                                pos += Close.Length;
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

            switch (Spans.MatchAt(region, pos, Close))
            {
                case MatchKind.Full:
                    pos += Close.Length;
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
