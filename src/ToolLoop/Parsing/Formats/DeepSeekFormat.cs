namespace ToolLoop.Parsing;

/// <summary>
/// DeepSeek R1 / V3 / V3.1, with full-width special tokens (U+FF5C bars, U+2581 joiners):
/// <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\n{…}\n```&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>
/// (R1, V3) or <c>&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;{…}&lt;｜tool▁call▁end｜&gt;</c> (V3.1). A call without the outer section is read too.
/// </summary>
internal static class DeepSeekFormat
{
    public const string CallsBegin = "<｜tool▁calls▁begin｜>";
    public const string CallsEnd = "<｜tool▁calls▁end｜>";
    public const string CallBegin = "<｜tool▁call▁begin｜>";
    public const string CallEnd = "<｜tool▁call▁end｜>";
    public const string Separator = "<｜tool▁sep｜>";
    public const string EndOfSentence = "<｜end▁of▁sentence｜>";

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = [EndOfSentence];


    // Opener spellings seen in the wild (formats.md, Unsloth's list).
    private static readonly string[] s_callsBeginVariants = [CallsBegin, "<｜tool_calls_begin｜>", "<｜tool calls begin｜>", "<｜tool\\_calls\\_begin｜>", "<｜tool▁calls｜>"];
    private static readonly string[] s_callsEnd = [CallsEnd, "<｜tool_calls_end｜>", "<｜tool calls end｜>", "<｜tool\\_calls\\_end｜>"];
    private static readonly string[] s_callEnd = [CallEnd, "<｜tool_call_end｜>"];
    private static readonly string[] s_stops = [EndOfSentence];

    public static void Register(FormatTable.Builder b)
    {
        foreach (var opener in s_callsBeginVariants)
        {
            b.Call(opener, c => new SectionRegion(ToolCallFormat.DeepSeek, opener.Length, s_callsEnd, s_stops, ReadSection, SectionRegion.StartsWithMarkup), specialToken: opener == CallsBegin);
        }

        b.Call(CallBegin, static c => new SectionRegion(ToolCallFormat.DeepSeek, CallBegin.Length, s_callEnd, [.. s_stops, CallBegin], ReadCall, Spans.IsNameChar), specialToken: true);
        b.StripInContent(CallsEnd, CallEnd, "<｜tool▁outputs▁end｜>");
    }

    private static void ReadSection(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => SectionRegion.ReadCalls(context, body, truncated, raw, CallBegin, s_callEnd, ReadCall);

    /// <summary>Reads <c>TYPE&lt;｜tool▁sep｜&gt;NAME\n```json\n{…}\n```</c> (R1) or <c>NAME&lt;｜tool▁sep｜&gt;{…}</c> (V3.1).</summary>
    private static void ReadCall(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
    {
        var sep = body.IndexOf(Separator, StringComparison.Ordinal);
        if (sep < 0)
        {
            context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call has no <｜tool▁sep｜>.", raw);
            return;
        }

        var before = body[..sep].Trim();
        var after = body[(sep + Separator.Length)..];
        var afterTrimmed = after.TrimStart();
        if (afterTrimmed.IsEmpty ? !IsType(before) : afterTrimmed[0] == '{')
        {
            // V3.1: the name precedes the separator.
            EmitArguments(context, before.ToString(), afterTrimmed, truncated, raw);
            return;
        }

        // R1 / V3: a type (an identifier, normally "function") before the separator, then the name, then the (usually fenced) JSON.
        foreach (var c in before)
        {
            if (!Spans.IsNameChar(c))
            {
                context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The text before <｜tool▁sep｜> is not a call type.", raw);
                return;
            }
        }

        var nameEnd = 0;
        while (nameEnd < afterTrimmed.Length && afterTrimmed[nameEnd] is not ('\n' or '\r' or '`' or '{'))
        {
            nameEnd++;
        }

        if (truncated && nameEnd == afterTrimmed.Length)
        {
            // The output ended in the name: it may be longer than what came.
            context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the tool name.", raw);
            return;
        }

        var name = afterTrimmed[..nameEnd].Trim().ToString();
        var rest = afterTrimmed[nameEnd..].Trim();
        if (rest.StartsWith("```"))
        {
            var newline = rest.IndexOf('\n');
            rest = newline < 0 ? [] : rest[(newline + 1)..];
            var fenceEnd = rest.LastIndexOf("```", StringComparison.Ordinal);
            if (fenceEnd >= 0)
            {
                rest = rest[..fenceEnd];
            }
            else if (truncated)
            {
                // A closing fence cut by the end of the output is markup; anywhere else a lone backtick is text.
                rest = rest[..Spans.WithoutPartialMarker(rest, "\n```")];
            }
        }

        if (rest.IsEmpty && !truncated)
        {
            JsonCalls.EmitArguments(context, null, name, "{}", cut: false, raw, ToolCallFormat.DeepSeek);
            return;
        }

        EmitArguments(context, name, rest, truncated, raw);
    }

    /// <summary>
    /// Delivers the JSON arguments; text after a complete object (the call's end marker missing, prose following) is
    /// content, not part of the call.
    /// </summary>
    private static void EmitArguments(ParseContext context, string name, ReadOnlySpan<char> json, bool truncated, ReadOnlySpan<char> raw)
    {
        var check = JsonSyntax.Check(json, context.Options.MaxJsonDepth, final: true);
        if (check.IsComplete && !json[check.End..].IsWhiteSpace())
        {
            var callRaw = raw.Overlaps(json, out var offset) ? raw[..(offset + check.End)] : raw;
            JsonCalls.EmitArguments(context, null, name, json[..check.End], truncated, callRaw, ToolCallFormat.DeepSeek);
            context.EmitContent(json[check.End..]);
            return;
        }

        JsonCalls.EmitArguments(context, null, name, json, truncated, raw, ToolCallFormat.DeepSeek);
    }

    private static bool IsType(ReadOnlySpan<char> text) => text.SequenceEqual("function");
}
