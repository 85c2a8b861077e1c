using System.Text;

namespace ToolLoop.Parsing;

/// <summary>
/// Llama 3.1–3.3: <c>&lt;|python_tag|&gt;</c> followed by JSON calls (<c>;</c>-separated), a built-in call
/// (<c>brave_search.call(query="…")</c>) or code (<c>code_interpreter</c>), ended by <c>&lt;|eom_id|&gt;</c>/<c>&lt;|eot_id|&gt;</c>;
/// and bare JSON <c>{"name", "parameters"|"arguments"}</c> calls, recognised only for declared tools (or, with no tools
/// declared, only when the JSON starts the output).
/// </summary>
internal static class Llama3Format
{
    public const string PythonTag = "<|python_tag|>";
    private const string EndOfMessage = "<|eom_id|>";
    private const string EndOfTurn = "<|eot_id|>";

    public static void Register(FormatTable.Builder b)
    {
        b.Call(PythonTag, static c => new PythonTagRegion(c));
        b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c));
        b.BareJson(static c => new BareJsonRegion(c));
    }

    /// <summary>
    /// Reads JSON objects separated by <c>;</c>, from pos; shared by the tagged and bare forms. The bare form is a
    /// guess, so it reads strictly (<see cref="JsonPrefix"/>): the chain is rejected at the first character that is not
    /// JSON, which keeps guesses cheap. After <c>&lt;|python_tag|&gt;</c> it reads leniently to the end of the object.
    /// </summary>
    private sealed class JsonChain(ParseContext context, bool strict)
    {
        private JsonScanner _json = new(context.Options.MaxJsonDepth);
        private JsonPrefix _prefix = new(context.Options.MaxJsonDepth + 1);
        private int _lookFrom;

        public List<(int Start, int End)> Objects { get; } = [];

        public int CurrentStart { get; private set; } = -1;

        /// <summary>Gets a value indicating whether the last object is complete (only its follow-up is unknown).</summary>
        public bool AfterObject { get; private set; }

        public int AfterEnd => Objects.Count > 0 ? Objects[^1].End : -1;

        public void Rebase(int shift)
        {
            for (var i = 0; i < Objects.Count; i++)
            {
                Objects[i] = (CallRegion.Shift(Objects[i].Start, shift), CallRegion.Shift(Objects[i].End, shift));
            }

            CurrentStart = CallRegion.Shift(CurrentStart, shift);
            _lookFrom = CallRegion.Shift(_lookFrom, shift);
        }

        /// <summary>Returns Complete with pos after the last object when the chain ends, NeedMore otherwise, Reject (strict only) when it is not JSON.</summary>
        public RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            while (true)
            {
                if (!AfterObject)
                {
                    if (CurrentStart < 0)
                    {
                        CurrentStart = pos;
                    }

                    if (strict)
                    {
                        switch (_prefix.Feed(region, ref pos))
                        {
                            case JsonPrefix.Result.NeedMore:
                                return RegionStatus.NeedMore;
                            case JsonPrefix.Result.Invalid or JsonPrefix.Result.TooDeep:
                                return RegionStatus.Reject;
                        }
                    }
                    else if (!_json.Feed(region, ref pos))
                    {
                        return RegionStatus.NeedMore;
                    }

                    Objects.Add((CurrentStart, pos));
                    AfterObject = true;
                    _lookFrom = pos;
                }

                // Another object after ';'? (whitespace already seen is not looked at again)
                var p = Spans.SkipWhitespace(region, _lookFrom);
                _lookFrom = p;
                pos = AfterEnd;
                if (p >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                if (region[p] != ';')
                {
                    return RegionStatus.Complete;
                }

                var q = Spans.SkipWhitespace(region, p + 1);
                if (q >= region.Length)
                {
                    _lookFrom = p;
                    return RegionStatus.NeedMore;
                }

                if (region[q] != '{')
                {
                    return RegionStatus.Complete;
                }

                pos = q;
                CurrentStart = q;
                _json = new JsonScanner(context.Options.MaxJsonDepth);
                _prefix = new JsonPrefix(context.Options.MaxJsonDepth + 1);
                AfterObject = false;
            }
        }
    }

    /// <summary>The <c>&lt;|python_tag|&gt;</c> region.</summary>
    private sealed class PythonTagRegion(ParseContext context) : CallRegion
    {
        private enum Kind
        {
            Unknown,
            Json,
            Code,
        }

        private readonly JsonChain _chain = new(context, strict: false);
        private Kind _kind;
        private int _bodyStart;
        private int _bodyEnd = -1;

        public override ToolCallFormat Format => ToolCallFormat.Llama3;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_kind == Kind.Unknown)
            {
                pos = Spans.SkipWhitespace(region, pos);
                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                _bodyStart = pos;
                _kind = region[pos] == '{' ? Kind.Json : Kind.Code;
            }

            if (_kind == Kind.Json)
            {
                if (_chain.Scan(region, ref pos) == RegionStatus.NeedMore)
                {
                    return RegionStatus.NeedMore;
                }

                // The JSON ended; <|eom_id|>/<|eot_id|> may follow (often stripped by the runtime). Prose after it is content.
                var end = _chain.AfterEnd;
                var p = Spans.SkipWhitespace(region, end);
                var m = Spans.MatchAt(region, p, EndOfMessage);
                var t = Spans.MatchAt(region, p, EndOfTurn);
                if (m == MatchKind.Full || t == MatchKind.Full)
                {
                    _bodyEnd = end;
                    pos = p + EndOfMessage.Length;
                    return RegionStatus.Complete;
                }

                pos = end;
                if (m == MatchKind.Partial || t == MatchKind.Partial)
                {
                    return RegionStatus.NeedMore;
                }

                _bodyEnd = end;
                return RegionStatus.Complete;
            }

            // Code or a built-in call runs to the end of the message.
            var at = FindEnd(region, pos, out var partialAt);
            if (at >= 0)
            {
                _bodyEnd = at;
                pos = at + EndOfMessage.Length;
                return RegionStatus.Complete;
            }

            pos = partialAt;
            return RegionStatus.NeedMore;
        }

        private static int FindEnd(ReadOnlySpan<char> region, int from, out int partialAt)
        {
            var a = Spans.Find(region, from, EndOfMessage);
            var b = Spans.Find(region, from, EndOfTurn);
            if (a >= 0 && (b < 0 || a < b))
            {
                partialAt = a;
                return a;
            }

            if (b >= 0)
            {
                partialAt = b;
                return b;
            }

            partialAt = Math.Min(-1 - a, -1 - b);
            return -1;
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_kind == Kind.Unknown)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after <|python_tag|>.", region);
                return region.Length;
            }

            if (_kind == Kind.Code)
            {
                var body = region[_bodyStart..(_bodyEnd >= 0 ? _bodyEnd : region.Length)];
                var consumed = region.Length;
                if (endOfStream && _bodyEnd < 0)
                {
                    // An end token cut by the end of the output is not code; it goes back to the output text.
                    body = body[..Spans.WithoutPartialMarker(body, [EndOfMessage, EndOfTurn])];
                    consumed = _bodyStart + body.Length;
                }

                body = body.TrimEnd();
                if (BuiltinCall.TryParseChain(body, out var calls))
                {
                    foreach (var (name, args) in calls)
                    {
                        ctx.EmitCall(null, name, args, healed: false, ToolCallFormat.Llama3);
                    }
                }
                else
                {
                    ctx.EmitCall(null, "code_interpreter", JsonText.Object([new("code", body.ToString())]), healed: false, ToolCallFormat.Llama3);
                }

                return consumed;
            }

            EmitChain(ctx, _chain, region, endOfStream && !_chain.AfterObject, speculative: false);
            return region.Length;
        }

        public override int CommittedEnd => _kind == Kind.Json && _chain.AfterObject ? _chain.AfterEnd : 0;

        public override void Rebase(int shift)
        {
            _bodyStart = Shift(_bodyStart, shift);
            _bodyEnd = Shift(_bodyEnd, shift);
            _chain.Rebase(shift);
        }
    }

    /// <summary>Delivers each object of a chain as a call (the last one cut when the output ended inside it).</summary>
    /// <returns><see langword="false"/> when a speculative chain proved not to be calls (its text is then content).</returns>
    private static bool EmitChain(ParseContext ctx, JsonChain chain, ReadOnlySpan<char> region, bool cut, bool speculative)
    {
        var maxDepth = ctx.Options.MaxJsonDepth;
        if (speculative)
        {
            // All objects must be calls to declared tools, shaped like calls, or the text is prose.
            var reads = new List<JsonCallRead>(chain.Objects.Count + 1);
            foreach (var (s, e) in chain.Objects)
            {
                var read = JsonCalls.Read(region[s..e], cut: false, closed: false, maxDepth, JsonCallShape.Default);
                if (!IsBareCall(ctx, read))
                {
                    return false;
                }

                reads.Add(read);
            }

            if (cut)
            {
                var last = JsonCalls.Read(region[chain.CurrentStart..], cut: true, closed: false, maxDepth, JsonCallShape.Default);

                // A call cut inside a value is a problem only once its (declared) name was read; before that it is text.
                if (last.Problem is null ? !IsBareCall(ctx, last) : last.ToolName is null || !(ctx.IsDeclared(last.ToolName) || !ctx.HasTools))
                {
                    return false;
                }

                reads.Add(last);
            }

            for (var i = 0; i < reads.Count; i++)
            {
                JsonCalls.Emit(ctx, reads[i], Raw(chain, region, i, reads.Count), ToolCallFormat.Llama3);
            }

            return true;
        }

        var count = chain.Objects.Count + (cut ? 1 : 0);
        for (var i = 0; i < chain.Objects.Count; i++)
        {
            var (s, e) = chain.Objects[i];
            JsonCalls.EmitCallObject(ctx, region[s..e], cut: false, closed: false, unclosed: false, Raw(chain, region, i, count), ToolCallFormat.Llama3, JsonCallShape.Default);
        }

        if (cut)
        {
            JsonCalls.EmitCallObject(ctx, region[chain.CurrentStart..], cut: true, closed: false, unclosed: false, Raw(chain, region, count - 1, count), ToolCallFormat.Llama3, JsonCallShape.Default);
        }

        return true;
    }

    /// <summary>
    /// The raw text of the <paramref name="index"/>-th object of a chain for its problem. The objects have no markers of
    /// their own, so the region's text is shared out: the first starts at the region's start (<c>&lt;|python_tag|&gt;</c>),
    /// each next one where the previous ended (the <c>;</c>), and the last runs to the region's end.
    /// </summary>
    private static ReadOnlySpan<char> Raw(JsonChain chain, ReadOnlySpan<char> region, int index, int count)
    {
        var start = index == 0 ? 0 : chain.Objects[index - 1].End;
        var end = index == count - 1 ? region.Length : chain.Objects[index].End;
        return region[start..end];
    }

    /// <summary>
    /// A bare object is a call only with arguments and a declared name; then other fields are kept on the call. With no
    /// tools declared (Llama 3 JSON at the start of the output), any name counts, but only a pure call shape does (no
    /// fields besides <c>name</c>, <c>parameters</c>/<c>arguments</c>, <c>type</c> and <c>id</c>).
    /// </summary>
    private static bool IsBareCall(ParseContext ctx, in JsonCallRead read)
        => read.Problem is null && read.HasArguments
           && (ctx.IsDeclared(read.Name!) || (!ctx.HasTools && (read.AdditionalKeys is null || read.AdditionalKeys is ["id"])));

    /// <summary>Bare JSON, a guess: early rejection on the first key, then a call only if every object is a call to a declared tool.</summary>
    private sealed class BareJsonRegion(ParseContext context) : CallRegion
    {
        private static readonly string[] s_firstKeys = ["name", "type", "parameters", "arguments", "id"];
        private readonly JsonChain _chain = new(context, strict: true);
        private bool _keyChecked;
        private int _end = -1;

        public override ToolCallFormat Format => ToolCallFormat.Llama3;

        public override bool IsSpeculative => true;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (!_keyChecked)
            {
                // {  "key"  — decide on the first key without consuming (pos stays at 1).
                var p = Spans.SkipWhitespace(region, 1);
                if (p >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                if (region[p] != '"')
                {
                    return RegionStatus.Reject;
                }

                // The first key is one of a few short words: look no further than that.
                var window = region[(p + 1)..Math.Min(region.Length, p + 1 + 16)];
                var close = window.IndexOf('"');
                if (close < 0)
                {
                    return window.Length >= 16 ? RegionStatus.Reject : RegionStatus.NeedMore;
                }

                if (Array.IndexOf(s_firstKeys, region.Slice(p + 1, close).ToString()) < 0)
                {
                    return RegionStatus.Reject;
                }

                _keyChecked = true;
                pos = 0;
            }

            var status = _chain.Scan(region, ref pos);
            if (status == RegionStatus.Complete)
            {
                _end = pos;
            }

            return status;
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            var truncated = endOfStream && _end < 0 && !_chain.AfterObject;
            var consumed = _end >= 0 ? _end : _chain.AfterObject ? _chain.AfterEnd : region.Length;
            if (!_keyChecked)
            {
                ctx.EmitContent(region);
                return region.Length;
            }

            if (!EmitChain(ctx, _chain, region, truncated, speculative: true))
            {
                // Not a call after all: the JSON is prose.
                ctx.EmitContent(region[..consumed]);
            }

            return consumed;
        }

        // A guess is rejected, never rebased, when it grows over the cap.
        public override void Rebase(int shift) => _chain.Rebase(shift);
    }

    /// <summary>Meta's built-in tool syntax: <c>NAME.call(key="value", …)</c> with Python literals, several joined by <c>;</c>.</summary>
    private static class BuiltinCall
    {
        /// <summary>Reads <c>a.call(…); b.call(…)</c>: every <c>;</c>-separated segment must be a call, or the text is code.</summary>
        public static bool TryParseChain(ReadOnlySpan<char> text, out List<(string Name, string Arguments)> calls)
        {
            calls = [];
            var p = 0;
            while (true)
            {
                p = Spans.SkipWhitespace(text, p);
                var end = CallEnd(text, p);
                if (end < 0 || !TryParse(text[p..end], out var name, out var args))
                {
                    return false;
                }

                calls.Add((name, args));
                p = Spans.SkipWhitespace(text, end);
                if (p >= text.Length)
                {
                    return true;
                }

                if (text[p] != ';')
                {
                    return false;
                }

                p++;
                if (Spans.SkipWhitespace(text, p) >= text.Length)
                {
                    return true;
                }
            }
        }

        /// <summary>The end (after its closing parenthesis) of the <c>NAME.call(…)</c> starting at <paramref name="from"/>, or -1.</summary>
        private static int CallEnd(ReadOnlySpan<char> text, int from)
        {
            var open = text[from..].IndexOf('(');
            if (open < 0)
            {
                return -1;
            }

            var depth = 0;
            for (var i = from + open; i < text.Length; i++)
            {
                var c = text[i];
                if (c is '"' or '\'')
                {
                    // A quoted literal: backslash escapes, the same quote closes.
                    for (i++; i < text.Length && text[i] != c; i++)
                    {
                        if (text[i] == '\\')
                        {
                            i++;
                        }
                    }
                }
                else if (c == '(')
                {
                    depth++;
                }
                else if (c == ')' && --depth == 0)
                {
                    return i + 1;
                }
            }

            return -1;
        }

        public static bool TryParse(ReadOnlySpan<char> text, out string name, out string argumentsJson)
        {
            name = string.Empty;
            argumentsJson = "{}";
            var dot = text.IndexOf(".call(", StringComparison.Ordinal);
            if (dot <= 0 || text[^1] != ')')
            {
                return false;
            }

            foreach (var c in text[..dot])
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }

            var args = new Dictionary<string, object?>();
            var p = dot + ".call(".Length;
            var end = text.Length - 1;
            while (true)
            {
                p = Spans.SkipWhitespace(text, p);
                if (p >= end)
                {
                    break;
                }

                var eq = text[p..end].IndexOf('=');
                if (eq <= 0)
                {
                    return false;
                }

                var key = text.Slice(p, eq).Trim().ToString();
                p = Spans.SkipWhitespace(text, p + eq + 1);
                if (!TryLiteral(text[..end], ref p, out var value))
                {
                    return false;
                }

                args[key] = value;
                p = Spans.SkipWhitespace(text, p);
                if (p < end && text[p] == ',')
                {
                    p++;
                }
                else if (p < end)
                {
                    return false;
                }
            }

            name = text[..dot].ToString();
            argumentsJson = JsonText.Object(args);
            return true;
        }

        private static bool TryLiteral(ReadOnlySpan<char> text, ref int p, out object? value)
        {
            value = null;
            if (p >= text.Length)
            {
                return false;
            }

            var q = text[p];
            if (q is '"' or '\'')
            {
                var sb = new StringBuilder();
                for (var i = p + 1; i < text.Length; i++)
                {
                    var c = text[i];
                    if (c == '\\' && i + 1 < text.Length)
                    {
                        var n = text[++i];
                        sb.Append(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => n });
                    }
                    else if (c == q)
                    {
                        p = i + 1;
                        value = sb.ToString();
                        return true;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }

                return false;
            }

            var start = p;
            while (p < text.Length && text[p] != ',')
            {
                p++;
            }

            var token = text[start..p].Trim().ToString();
            value = token switch
            {
                "True" or "true" => true,
                "False" or "false" => false,
                "None" or "null" => null,
                _ when long.TryParse(token, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) => l,
                _ when double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
                _ => token,
            };
            return token.Length > 0;
        }
    }
}
