using System.Text;

namespace ToolLoop.Parsing;

/// <summary>
/// Reading JSON call objects (<c>{"name", "arguments"}</c>), arrays of them, and JSON arguments named by markup,
/// shared by every JSON-bodied family. The rules every family gets from here:
/// <list type="bullet">
/// <item>A duplicated key anywhere in the call, or both <c>arguments</c> and <c>parameters</c>, makes it
/// <see cref="ToolCallProblemKind.Malformed"/>: an ambiguous call is never run.</item>
/// <item>A call cut by the end of the output is delivered (healed) only when it ended after complete values, so that
/// only closing quotes, brackets, braces or tags were missing; cut inside a string, key, number or literal, or before
/// the arguments, it is <see cref="ToolCallProblemKind.Truncated"/>.</item>
/// <item>Every problem carries the tool name when it was readable and the argument text when it was found.</item>
/// <item>Keys the family does not define are kept as <see cref="ParsedToolCall.AdditionalFieldsJson"/>.</item>
/// <item>The arguments are the model's own text, copied once; lone surrogates (raw or escaped) become U+FFFD.</item>
/// </list>
/// </summary>
internal static class JsonCalls
{
    private const string CutMessage = "The output ended inside this tool call.";

    /// <summary>Reads a call object and delivers it as a call or a problem carrying <paramref name="raw"/>.</summary>
    /// <param name="context">Where results go.</param>
    /// <param name="json">The object's text (from its <c>{</c>); at most whitespace may follow the object.</param>
    /// <param name="cut">Whether the output ended inside the object (no closer came).</param>
    /// <param name="closed">Whether a closing tag ended the text, so it is whole even if braces are missing.</param>
    /// <param name="unclosed">Whether the output ended before the call's closing tag (the call is then marked healed).</param>
    /// <param name="raw">The call's whole text, markers included.</param>
    /// <param name="format">The family.</param>
    /// <param name="shape">The family's keys.</param>
    public static void EmitCallObject(ParseContext context, ReadOnlySpan<char> json, bool cut, bool closed, bool unclosed, ReadOnlySpan<char> raw, ToolCallFormat format, JsonCallShape shape)
    {
        var read = Read(json, cut, closed, context.Options.MaxJsonDepth, shape);
        Emit(context, read, raw, format, unclosed);
    }

    /// <summary>Delivers what <see cref="Read"/> found.</summary>
    public static void Emit(ParseContext context, in JsonCallRead read, ReadOnlySpan<char> raw, ToolCallFormat format, bool unclosed = false)
    {
        if (read.Problem is { } kind)
        {
            context.EmitProblem(kind, read.Message!, raw, read.ToolName, read.RawArguments);
            return;
        }

        context.EmitCall(read.Id, read.Name!, read.Arguments!, read.Healed || unclosed, format, read.AdditionalFields);
    }

    /// <summary>Reads a call object (see <see cref="EmitCallObject"/> for the parameters).</summary>
    public static JsonCallRead Read(ReadOnlySpan<char> json, bool cut, bool closed, int maxDepth, JsonCallShape shape)
    {
        json = json.TrimStart();
        if (json.IsEmpty || json[0] != '{')
        {
            return cut && json.IsEmpty
                ? JsonCallRead.Fail(ToolCallProblemKind.Truncated, CutMessage, null, null)
                : JsonCallRead.Fail(ToolCallProblemKind.Malformed, "A tool call must be a JSON object.", null, null);
        }

        // The call object is one level: its arguments may nest MaxJsonDepth levels below it. The check notes where the
        // members lie, so they are not scanned again.
        Span<JsonMember> members = stackalloc JsonMember[8];
        var check = JsonSyntax.Check(json, maxDepth + 1, final: !cut, members, out var memberCount);
        return FromCheck(json, check, members, memberCount, cut, closed, maxDepth, shape);
    }

    /// <summary>Reads a call object (from its <c>{</c>) that <see cref="JsonSyntax.Check(ReadOnlySpan{char}, int, bool, Span{JsonMember}, out int)"/> has read.</summary>
    private static JsonCallRead FromCheck(ReadOnlySpan<char> json, in JsonCheck check, ReadOnlySpan<JsonMember> members, int memberCount, bool cut, bool closed, int maxDepth, JsonCallShape shape)
    {
        switch (check.Status)
        {
            case JsonStatus.Complete:
                if (!json[check.End..].IsWhiteSpace())
                {
                    return Lenient(json, shape).Fail(ToolCallProblemKind.Malformed, "Text follows the tool call's JSON object.");
                }

                return Members(json[..check.End], healed: false, shape, maxDepth, memberCount >= 0 ? members[..memberCount] : default, memberCount >= 0);

            case JsonStatus.CutAtBoundary when cut || closed:
                var healedText = string.Concat(json[..check.HealEnd], check.Closers);
                return Members(healedText, healed: true, shape, maxDepth, default, known: false);

            case JsonStatus.CutInsideValue when cut:
                return Lenient(json, shape).Fail(ToolCallProblemKind.Truncated, CutMessage + " It was cut inside a value, so it is not run.");

            case JsonStatus.TooDeep:
                return Lenient(json, shape).Fail(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {maxDepth} levels.", withArguments: false);

            case JsonStatus.DuplicateKey:
                return Lenient(json, shape).Fail(ToolCallProblemKind.Malformed, "The tool call is ambiguous: " + check.Error + ".");

            default:
                return Lenient(json, shape).Fail(ToolCallProblemKind.Malformed, "The tool call is not valid JSON: " + (check.Error ?? "it is not closed") + ".");
        }
    }

    /// <summary>
    /// Delivers a call whose name (and id) come from markup and whose arguments are JSON text, cut by the end of the
    /// output when <paramref name="cut"/> (Kimi, DeepSeek, Qwen3-Coder's JSON form).
    /// </summary>
    public static void EmitArguments(ParseContext context, string? id, string name, ReadOnlySpan<char> json, bool cut, ReadOnlySpan<char> raw, ToolCallFormat format)
    {
        json = json.Trim();
        if (name.Length == 0)
        {
            context.EmitProblem(cut ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call has no name.", raw, null, json.IsEmpty ? null : json.ToString());
            return;
        }

        foreach (var c in name)
        {
            // Markup or prose where the name should be (a stray token before the separator): not a call.
            if (!Spans.IsNameChar(c) && c is not (':' or '/'))
            {
                context.EmitProblem(cut ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool name is not a name.", raw);
                return;
            }
        }

        name = Utf16Text.ToValidString(name);
        var read = ReadArguments(json, cut, context.Options.MaxJsonDepth);
        if (read.Problem is { } kind)
        {
            context.EmitProblem(kind, read.Message!, raw, name, read.RawArguments);
            return;
        }

        context.EmitCall(id, name, read.Arguments!, read.Healed, format);
    }

    /// <summary>Reads an arguments value on its own: an object, or a string holding one (see <see cref="EmitArguments"/>).</summary>
    public static JsonCallRead ReadArguments(ReadOnlySpan<char> json, bool cut, int maxDepth)
    {
        json = json.Trim();
        if (json.IsEmpty)
        {
            return cut
                ? JsonCallRead.Fail(ToolCallProblemKind.Truncated, "The output ended before the tool call's arguments.", null, null)
                : JsonCallRead.Ok(null!, "{}", null, null, healed: false);
        }

        var check = JsonSyntax.Check(json, maxDepth, final: !cut);

        // The argument text is copied for a problem only: a good call's arguments are copied once, as the output.
        switch (check.Status)
        {
            case JsonStatus.Complete when json[check.End..].IsWhiteSpace():
                return ArgumentsValue(json[..check.End], maxDepth, cut, out var args, out var error)
                    ? JsonCallRead.Ok(null!, args!, null, null, healed: cut)
                    : JsonCallRead.Fail(ToolCallProblemKind.Malformed, error!, null, json.ToString());
            case JsonStatus.Complete:
                return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "Text follows the tool call's arguments.", null, json.ToString());
            case JsonStatus.CutAtBoundary when cut && json[0] == '{':
                return JsonCallRead.Ok(null!, Utf16Text.ToValidJson(string.Concat(json[..check.HealEnd], check.Closers)), null, null, healed: true);
            case JsonStatus.CutAtBoundary or JsonStatus.CutInsideValue when cut:
                return JsonCallRead.Fail(ToolCallProblemKind.Truncated, CutMessage + " It was cut inside a value, so it is not run.", null, json.ToString());
            case JsonStatus.TooDeep:
                return JsonCallRead.Fail(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {maxDepth} levels.", null, null);
            case JsonStatus.DuplicateKey:
                return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "The tool call's arguments are ambiguous: " + check.Error + ".", null, json.ToString());
            default:
                return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "The tool call's arguments are not valid JSON: " + (check.Error ?? "they are not closed") + ".", null, json.ToString());
        }
    }

    /// <summary>
    /// Reads a JSON array of call objects (Mistral v0.3, Granite, Nemotron, …), tolerating a missing comma between objects.
    /// Each element is delivered on its own. Array elements have no markers of their own, so the array's text is shared
    /// out among them for problems: the first element's raw text starts at <paramref name="raw"/>'s start (the block's
    /// opener), each next one where the previous ended (the separator), and the last one runs to the end of
    /// <paramref name="raw"/> (the closer); a one-call array is the whole block. <paramref name="unclosed"/>: the family's closer or the
    /// array's bracket is missing, so the calls were completed (healed).
    /// </summary>
    public static void EmitCallArray(ParseContext context, ReadOnlySpan<char> json, bool cut, ReadOnlySpan<char> raw, ToolCallFormat format, JsonCallShape shape, bool unclosed = false)
    {
        var maxDepth = context.Options.MaxJsonDepth;
        var offset = raw.Overlaps(json, out var o) ? o : -1;
        var start = json.Length - json.TrimStart().Length;
        var i = start + 1;
        var any = false;
        var rawFrom = 0;
        Span<JsonMember> members = stackalloc JsonMember[8];
        while (true)
        {
            i = JsonSyntax.SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                if (!any && cut)
                {
                    context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool-call array.", raw);
                }

                return;
            }

            if (json[i] == ']')
            {
                var rest = json[(i + 1)..];
                if (!rest.IsWhiteSpace())
                {
                    context.EmitProblem(ToolCallProblemKind.Malformed, "Text follows the tool-call array.", rest.Trim());
                }

                return;
            }

            if (json[i] != '{')
            {
                var junk = json[i..];
                context.EmitProblem(ToolCallProblemKind.Malformed, "A tool-call array element must be a JSON object.", offset >= 0 ? raw[rawFrom..] : junk.Trim());
                return;
            }

            // The array is one level above the call object.
            var check = JsonSyntax.Check(json[i..], maxDepth + 1, final: !cut, members, out var memberCount);
            any = true;
            int end;
            JsonCallRead read;
            if (check.Status == JsonStatus.Complete)
            {
                // The element was read whole by the check: its members are known.
                end = i + check.End;
                read = FromCheck(json[i..end], check, members, memberCount, cut: false, closed: false, maxDepth, shape);
            }
            else if (check.IsCut && cut)
            {
                end = json.Length;
                read = Read(json[i..], cut: true, closed: false, maxDepth, shape);
            }
            else
            {
                // Invalid inside: this element runs to where its brackets balance, and the array goes on after it.
                end = i;
                JsonSyntax.SkipValue(json, ref end);
                end = Math.Max(end, i + 1);
                read = Read(json[i..end], cut: false, closed: false, maxDepth, shape);
            }

            var after = JsonSyntax.SkipWhitespace(json, end);
            if (after < json.Length && json[after] == ',')
            {
                after = JsonSyntax.SkipWhitespace(json, after + 1);
            }

            var last = after >= json.Length || json[after] == ']';
            var rawEnd = !last ? offset + end
                : after < json.Length && !json[(after + 1)..].IsWhiteSpace() ? offset + after + 1 // text after ']' is its own problem
                : raw.Length;
            var elementRaw = offset < 0 ? json[i..end] : raw[rawFrom..rawEnd];
            Emit(context, read, elementRaw, format, unclosed);
            if (end >= json.Length)
            {
                return;
            }

            rawFrom = offset + end;
            i = after;
        }
    }

    /// <summary>
    /// Reads the members of a valid call object (healed when it was completed by closing); when <paramref name="known"/>,
    /// <paramref name="members"/> holds where they lie (as the check found them), otherwise they are found here.
    /// </summary>
    private static JsonCallRead Members(ReadOnlySpan<char> obj, bool healed, JsonCallShape shape, int maxDepth, ReadOnlySpan<JsonMember> members, bool known)
    {
        if (shape.NameIsKey)
        {
            return NamedMember(obj, healed, maxDepth);
        }

        string? name = null;
        string? id = null;
        var argsStart = -1;
        var argsEnd = -1;
        string? argsKey = null;
        var wrapperStart = -1;
        var wrapperEnd = -1;
        StringBuilder? extra = null;
        List<string>? extraKeys = null;
        var i = 1;
        var m = 0;
        while (true)
        {
            ReadOnlySpan<char> keyToken;
            int valueStart;
            ReadOnlySpan<char> value;
            if (known)
            {
                if (m >= members.Length)
                {
                    break;
                }

                var member = members[m++];
                keyToken = obj[member.KeyStart..member.KeyEnd];
                valueStart = member.ValueStart;
                value = obj[member.ValueStart..member.ValueEnd];
            }
            else
            {
                i = JsonSyntax.SkipWhitespace(obj, i);
                if (obj[i] == '}')
                {
                    break;
                }

                var keyStart = i;
                JsonSyntax.SkipValue(obj, ref i);
                keyToken = obj[keyStart..i];
                i = JsonSyntax.SkipWhitespace(obj, i) + 1;
                i = JsonSyntax.SkipWhitespace(obj, i);
                valueStart = i;
                JsonSyntax.SkipValue(obj, ref i);
                value = obj[valueStart..i];
                i = JsonSyntax.SkipWhitespace(obj, i);
                if (obj[i] == ',')
                {
                    i++;
                }
            }

            var key = keyToken[1..^1];

            if (KeyIs(key, shape.NameKey) && value[0] == '"')
            {
                name = JsonSyntax.Unescape(value[1..^1]);
            }
            else if (IsArgumentKey(key, shape))
            {
                if (argsKey is not null)
                {
                    return JsonCallRead.Fail(ToolCallProblemKind.Malformed, $"The tool call has both \"{argsKey}\" and {keyToken.ToString()}: which one holds the arguments is ambiguous.", name, value.ToString());
                }

                argsKey = JsonSyntax.Unescape(key);
                argsStart = valueStart;
                argsEnd = valueStart + value.Length;
            }
            else if (shape.IdKey is { } idKey && KeyIs(key, idKey) && value[0] == '"')
            {
                id = JsonSyntax.Unescape(value[1..^1]);
            }
            else if (KeyIs(key, "type") && value.SequenceEqual("\"function\""))
            {
                // The OpenAI discriminator carries nothing.
            }
            else if (KeyIs(key, "function") && value[0] == '{')
            {
                wrapperStart = valueStart;
                wrapperEnd = valueStart + value.Length;
            }
            else
            {
                extra = AppendField(extra, keyToken, value);
                (extraKeys ??= []).Add(JsonSyntax.Unescape(key));
            }
        }

        if (name is null && wrapperStart >= 0 && argsKey is null)
        {
            // {"type": "function", "function": {"name", "arguments"}}: the wrapper holds the call.
            var inner = Members(obj[wrapperStart..wrapperEnd], healed, shape, maxDepth, default, known: false);
            if (inner.Problem is not null)
            {
                return inner;
            }

            if (inner.AdditionalKeys is not null)
            {
                (extraKeys ??= []).AddRange(inner.AdditionalKeys);
            }

            return inner with { Id = inner.Id ?? id, AdditionalFields = Merge(extra, inner.AdditionalFields), AdditionalKeys = extraKeys };
        }

        if (wrapperStart >= 0)
        {
            extra = AppendField(extra, "\"function\"", obj[wrapperStart..wrapperEnd]);
            (extraKeys ??= []).Add("function");
        }

        var extraJson = extra is null ? null : Utf16Text.ToValidJson(extra.Append('}').ToString());
        if (string.IsNullOrWhiteSpace(name))
        {
            return JsonCallRead.Fail(healed ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call has no \"name\" string.", null, argsStart >= 0 ? obj[argsStart..argsEnd].ToString() : null);
        }

        if (argsStart < 0)
        {
            // Cut before the arguments were written: the call is not known to be complete.
            return healed
                ? JsonCallRead.Fail(ToolCallProblemKind.Truncated, "The output ended before the tool call's arguments.", name, null)
                : JsonCallRead.Ok(name, "{}", id, extraJson, healed: false);
        }

        var argsText = obj[argsStart..argsEnd];
        if (!ArgumentsValue(argsText, maxDepth, healed, out var args, out var error))
        {
            return JsonCallRead.Fail(ToolCallProblemKind.Malformed, error!, name, argsText.ToString());
        }

        return JsonCallRead.Ok(name, args!, id, extraJson, healed, hasArguments: true, extraKeys);
    }

    /// <summary><c>{"NAME": {arguments}}</c>: exactly one member (several would be ambiguous: which is the call?).</summary>
    private static JsonCallRead NamedMember(ReadOnlySpan<char> obj, bool healed, int maxDepth)
    {
        var i = JsonSyntax.SkipWhitespace(obj, 1);
        if (obj[i] == '}')
        {
            return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "The tool call object is empty: its one key should be the tool name.", null, null);
        }

        var keyStart = i;
        JsonSyntax.SkipValue(obj, ref i);
        var name = JsonSyntax.Unescape(obj[(keyStart + 1)..(i - 1)]);
        i = JsonSyntax.SkipWhitespace(obj, JsonSyntax.SkipWhitespace(obj, i) + 1);
        var valueStart = i;
        JsonSyntax.SkipValue(obj, ref i);
        var value = obj[valueStart..i];
        if (obj[JsonSyntax.SkipWhitespace(obj, i)] != '}')
        {
            return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "The tool call object has several keys; its one key should be the tool name.", null, null);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return JsonCallRead.Fail(ToolCallProblemKind.Malformed, "The tool call's name is empty.", null, value.ToString());
        }

        return ArgumentsValue(value, maxDepth, healed, out var args, out var error)
            ? JsonCallRead.Ok(name, args!, null, null, healed)
            : JsonCallRead.Fail(ToolCallProblemKind.Malformed, error!, name, value.ToString());
    }

    /// <summary>An arguments value: an object (copied once), a string holding an object (decoded), or null (none).</summary>
    private static bool ArgumentsValue(ReadOnlySpan<char> value, int maxDepth, bool healed, out string? arguments, out string? error)
    {
        error = null;
        arguments = null;
        switch (value[0])
        {
            case '{':
                arguments = Utf16Text.ToValidJson(value);
                return true;
            case 'n':
                arguments = "{}";
                return true;
            case '"':
                var inner = JsonSyntax.Unescape(value[1..^1]).AsSpan().Trim();
                if (inner.IsEmpty)
                {
                    arguments = "{}";
                    return true;
                }

                var check = JsonSyntax.Check(inner, maxDepth, final: true);
                if (check.IsComplete && inner[0] == '{' && inner[check.End..].IsWhiteSpace())
                {
                    arguments = Utf16Text.ToValidJson(inner[..check.End]);
                    return true;
                }

                error = check.Status == JsonStatus.DuplicateKey
                    ? "The tool call's arguments are ambiguous: " + check.Error + "."
                    : "\"arguments\" is a string that does not hold a JSON object.";
                return false;
            default:
                _ = healed;
                error = "\"arguments\" must be a JSON object, not " + Kind(value[0]) + ".";
                return false;
        }
    }

    private static string Kind(char c) => c switch
    {
        '[' => "an array",
        't' or 'f' => "a boolean",
        _ => "a number",
    };

    private static bool IsArgumentKey(ReadOnlySpan<char> rawKey, JsonCallShape shape)
    {
        foreach (var k in shape.ArgumentKeys)
        {
            if (KeyIs(rawKey, k))
            {
                return true;
            }
        }

        return false;
    }

    private static bool KeyIs(ReadOnlySpan<char> rawKey, string key)
        => rawKey.IndexOf('\\') < 0 ? rawKey.SequenceEqual(key) : JsonSyntax.Unescape(rawKey) == key;

    private static StringBuilder AppendField(StringBuilder? extra, ReadOnlySpan<char> keyToken, ReadOnlySpan<char> value)
    {
        extra = extra is null ? new StringBuilder("{") : extra.Append(',');
        return extra.Append(keyToken).Append(':').Append(value);
    }

    private static string? Merge(StringBuilder? outer, string? inner)
    {
        if (outer is null)
        {
            return inner;
        }

        if (inner is not null)
        {
            outer.Append(',').Append(inner.AsSpan(1, inner.Length - 2));
        }

        return Utf16Text.ToValidJson(outer.Append('}').ToString());
    }

    /// <summary>
    /// Reads what it can from a call object that is broken or cut: the name when a <c>"name"</c> member holds a
    /// complete string (and no second one disagrees), and the arguments' text when their member was started.
    /// </summary>
    private static LenientRead Lenient(ReadOnlySpan<char> json, JsonCallShape shape)
    {
        string? name = null;
        var nameConflict = false;
        string? rawArguments = null;
        var i = JsonSyntax.SkipWhitespace(json, 1);
        while (i < json.Length && json[i] == '"')
        {
            var keyStart = i;
            if (!SkipString(json, ref i))
            {
                break;
            }

            var key = json[(keyStart + 1)..(i - 1)];
            i = JsonSyntax.SkipWhitespace(json, i);
            if (i >= json.Length || json[i] != ':')
            {
                break;
            }

            if (shape.NameIsKey)
            {
                // The first key is the name; what follows it is the arguments.
                var start = JsonSyntax.SkipWhitespace(json, i + 1);
                return new LenientRead(key.IsWhiteSpace() ? null : JsonSyntax.Unescape(key), start < json.Length ? json[start..].ToString() : null);
            }

            i = JsonSyntax.SkipWhitespace(json, i + 1);
            var valueStart = i;
            var complete = SkipLenient(json, ref i);
            var value = json[valueStart..i];
            if (KeyIs(key, shape.NameKey) && complete && value.Length >= 2 && value[0] == '"')
            {
                var n = JsonSyntax.Unescape(value[1..^1]);
                nameConflict |= name is not null && name != n;
                name ??= n;
            }
            else if (rawArguments is null && !value.IsEmpty && IsArgumentKey(key, shape))
            {
                rawArguments = value.ToString();
            }
            else if (KeyIs(key, "function") && complete && value.Length > 0 && value[0] == '{' && name is null)
            {
                var inner = Lenient(value, shape);
                name = inner.Name;
                rawArguments ??= inner.RawArguments;
            }

            if (!complete)
            {
                break;
            }

            i = JsonSyntax.SkipWhitespace(json, i);
            if (i >= json.Length || json[i] != ',')
            {
                break;
            }

            i = JsonSyntax.SkipWhitespace(json, i + 1);
        }

        return new LenientRead(nameConflict || string.IsNullOrWhiteSpace(name) ? null : name, rawArguments);
    }

    private static bool SkipString(ReadOnlySpan<char> s, ref int i)
    {
        for (i++; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '"')
            {
                i++;
                return true;
            }
        }

        i = s.Length;
        return false;
    }

    /// <summary>Skips a value of possibly broken JSON: strings and brackets are tracked; false when the text ends first.</summary>
    private static bool SkipLenient(ReadOnlySpan<char> s, ref int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '"')
            {
                if (!SkipString(s, ref i))
                {
                    return false;
                }

                if (depth == 0)
                {
                    return true;
                }

                continue;
            }

            if (c is '{' or '[')
            {
                depth++;
            }
            else if (c is '}' or ']')
            {
                if (depth == 0)
                {
                    return true;
                }

                if (--depth == 0)
                {
                    i++;
                    return true;
                }
            }
            else if (depth == 0 && (c == ',' || char.IsWhiteSpace(c)))
            {
                return true;
            }

            i++;
        }

        return false;
    }

    private readonly record struct LenientRead(string? Name, string? RawArguments)
    {
        public JsonCallRead Fail(ToolCallProblemKind kind, string message, bool withArguments = true)
            => JsonCallRead.Fail(kind, message, Name, withArguments ? RawArguments : null);
    }
}
