namespace ToolLoop.Parsing;

/// <summary>
/// Moonshot Kimi K3 (formats.md 9.12). Tags are <c>&lt;|open|&gt;NAME attrs&lt;|sep|&gt;</c> and <c>&lt;|close|&gt;NAME&lt;|sep|&gt;</c>, where only
/// <c>&lt;|open|&gt;</c>, <c>&lt;|close|&gt;</c> and <c>&lt;|sep|&gt;</c> are special tokens. The output (after the prompt's
/// <c>&lt;|open|&gt;think&lt;|sep|&gt;</c> when thinking) is reasoning up to <c>&lt;|close|&gt;think&lt;|sep|&gt;</c> or <c>&lt;|open|&gt;response&lt;|sep|&gt;</c>,
/// the answer inside the response section, then an optional <c>&lt;|open|&gt;tools&lt;|sep|&gt;</c> section of
/// <c>&lt;|open|&gt;call tool="NAME" index="I"&lt;|sep|&gt;</c> calls whose arguments are
/// <c>&lt;|open|&gt;argument key="K" type="T"&lt;|sep|&gt;VALUE&lt;|close|&gt;argument&lt;|sep|&gt;</c> (typed by <c>type</c>) or one
/// <c>&lt;|open|&gt;json type="object"&lt;|sep|&gt;{…}&lt;|close|&gt;json&lt;|sep|&gt;</c>.
/// </summary>
internal static class KimiK3Format
{
    public const string Sep = "<|sep|>";
    public const string ToolsOpen = "<|open|>tools<|sep|>";
    private const string ToolsClose = "<|close|>tools<|sep|>";
    private const string CallOpen = "<|open|>call";
    private const string CallClose = "<|close|>call<|sep|>";
    private const string ArgumentOpen = "<|open|>argument";
    private const string ArgumentClose = "<|close|>argument<|sep|>";
    private const string JsonOpen = "<|open|>json";
    private const string JsonClose = "<|close|>json<|sep|>";
    private const string ResponseOpen = "<|open|>response<|sep|>";
    private const string MessageClose = "<|close|>message<|sep|>";
    private const string EndOfMessage = "<|end_of_msg|>";
    private static readonly string[] s_toolsClose = [ToolsClose];
    private static readonly string[] s_callClose = [CallClose];
    private static readonly string[] s_stops = [MessageClose, EndOfMessage];

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = [EndOfMessage];

    private static readonly SectionRegion.CallBounds s_calls = new(CallOpen, [CallClose], EndAfterLastCall: true);

    public static void Register(FormatTable.Builder b)
    {
        // The model may skip the think closer and go straight to the response (llama.cpp ends reasoning at either).
        b.Reasoning("<|open|>think<|sep|>", "<|close|>think<|sep|>", ResponseOpen);
        static CallRegion Tools(ParseContext c) => new SectionRegion(ToolCallFormat.KimiK3, ToolsOpen.Length, s_toolsClose, s_stops, ReadSection, SectionRegion.StartsWithMarkup, s_calls);
        b.Call(ToolsOpen, Tools);
        b.CallEndsReasoning(ToolsOpen, Tools);

        // A call written without its tools section.
        b.Call(CallOpen + " ", static c => new SectionRegion(ToolCallFormat.KimiK3, CallOpen.Length, s_callClose, [.. s_stops, ToolsClose, CallOpen], ReadCall, static ch => ch == 't'));
        b.StripInContent(ResponseOpen, "<|close|>response<|sep|>", MessageClose, ToolsClose, "<|open|>message role=\"assistant\"<|sep|>");
    }

    private static void ReadSection(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => SectionRegion.ReadCalls(context, body, truncated, raw, CallOpen, s_callClose, ReadCall);

    /// <summary>Reads <c> tool="NAME" index="I"&lt;|sep|&gt;</c> and the arguments that follow (the text after <c>&lt;|open|&gt;call</c>).</summary>
    private static void ReadCall(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
    {
        var tagEnd = InvokeCalls.ReadAttributes(body, 0, out var attributes, Sep);
        if (tagEnd < 0)
        {
            context.EmitProblem(truncated && tagEnd == -1 ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The call tag cannot be read.", raw);
            return;
        }

        var name = Unescape(InvokeCalls.Attribute(attributes, "tool"));
        if (string.IsNullOrWhiteSpace(name))
        {
            context.EmitProblem(ToolCallProblemKind.Malformed, "The call tag has no tool name.", raw);
            return;
        }

        var args = new List<TaggedArgument>();
        var p = tagEnd;
        while (true)
        {
            p = Spans.SkipWhitespace(body, p);
            if (p >= body.Length)
            {
                TaggedValues.EmitCall(context, raw, body, name, args, healed: truncated, ToolCallFormat.KimiK3);
                return;
            }

            var rest = body[p..];
            if (rest.StartsWith(ArgumentOpen, StringComparison.Ordinal))
            {
                var argEnd = InvokeCalls.ReadAttributes(body, p + ArgumentOpen.Length, out var argAttributes, Sep);
                var valueEnd = argEnd < 0 ? -1 : body[argEnd..].IndexOf(ArgumentClose, StringComparison.Ordinal);
                if (argEnd < 0 || valueEnd < 0)
                {
                    var cut = truncated && (argEnd == -1 || valueEnd < 0);
                    context.EmitProblem(cut ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                        cut ? "The output ended inside this tool call's arguments." : "An argument tag cannot be read.", raw, name, body[tagEnd..].ToString());
                    return;
                }

                var key = Unescape(InvokeCalls.Attribute(argAttributes, "key"));
                if (string.IsNullOrEmpty(key))
                {
                    context.EmitProblem(ToolCallProblemKind.Malformed, "An argument has no key.", raw, name, body[tagEnd..].ToString());
                    return;
                }

                var hint = Unescape(InvokeCalls.Attribute(argAttributes, "type")) switch
                {
                    null => ValueHint.Schema,
                    "string" => ValueHint.Text,
                    _ => ValueHint.Json,
                };
                args.Add(new TaggedArgument(key, argEnd, argEnd + valueEnd, hint));
                p = argEnd + valueEnd + ArgumentClose.Length;
                continue;
            }

            if (rest.StartsWith(JsonOpen, StringComparison.Ordinal) && args.Count == 0)
            {
                // The whole arguments object at once (what the template renders for arguments given as a JSON string).
                var jsonStart = InvokeCalls.ReadAttributes(body, p + JsonOpen.Length, out _, Sep);
                if (jsonStart < 0)
                {
                    context.EmitProblem(truncated && jsonStart == -1 ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The json tag cannot be read.", raw, name);
                    return;
                }

                var jsonEnd = body[jsonStart..].IndexOf(JsonClose, StringComparison.Ordinal);
                var json = jsonEnd < 0 ? body[jsonStart..] : body.Slice(jsonStart, jsonEnd);
                var after = jsonEnd < 0 ? body.Length : jsonStart + jsonEnd + JsonClose.Length;
                if (!body[after..].IsWhiteSpace())
                {
                    context.EmitProblem(ToolCallProblemKind.Malformed, "Text follows the call's json arguments.", raw, name, json.ToString());
                    return;
                }

                JsonCalls.EmitArguments(context, null, name, json, truncated && jsonEnd < 0, raw, ToolCallFormat.KimiK3);
                return;
            }

            context.EmitProblem(ToolCallProblemKind.Malformed, "The call holds text outside its arguments.", raw, name, body[tagEnd..].ToString());
            return;
        }
    }

    /// <summary>Attribute values are escaped (<c>&amp;quot;</c>, <c>&amp;amp;</c>), as vLLM reads them.</summary>
    private static string? Unescape(string? value)
        => value is null || !value.Contains('&', StringComparison.Ordinal) ? value : value.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
}
