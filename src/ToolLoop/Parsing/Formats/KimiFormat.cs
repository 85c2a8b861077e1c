namespace ToolLoop.Parsing;

/// <summary>
/// Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;&lt;|tool_call_begin|&gt;functions.NAME:IDX&lt;|tool_call_argument_begin|&gt;{…}&lt;|tool_call_end|&gt;…&lt;|tool_calls_section_end|&gt;</c>.
/// The id is kept verbatim; the name is the text after <c>functions.</c> and before the last <c>:</c>. A section or call
/// opener also ends an unclosed think block.
/// </summary>
internal static class KimiFormat
{
    public const string SectionBegin = "<|tool_calls_section_begin|>";
    public const string CallBegin = "<|tool_call_begin|>";
    public const string ArgumentBegin = "<|tool_call_argument_begin|>";
    public const string CallEnd = "<|tool_call_end|>";
    private const string SingularSectionBegin = "<|tool_call_section_begin|>";
    private static readonly string[] s_sectionEnd = ["<|tool_calls_section_end|>", "<|tool_call_section_end|>"];
    private static readonly string[] s_callEnd = [CallEnd];
    private static readonly string[] s_stops = ["<|im_end|>"];

    public static void Register(FormatTable.Builder b)
    {
        foreach (var opener in (string[])[SectionBegin, SingularSectionBegin])
        {
            CallRegion Make(ParseContext c) => new SectionRegion(ToolCallFormat.Kimi, opener.Length, s_sectionEnd, s_stops, ReadSection, SectionRegion.StartsWithMarkup);
            b.Call(opener, Make, specialToken: true);
            b.CallEndsReasoning(opener, Make);
        }

        static CallRegion MakeCall(ParseContext c) => new SectionRegion(ToolCallFormat.Kimi, CallBegin.Length, s_callEnd, [.. s_stops, CallBegin, SectionBegin], ReadCall, Spans.IsNameChar);
        b.Call(CallBegin, MakeCall, specialToken: true);
        b.CallEndsReasoning(CallBegin, MakeCall);
        b.StripInContent([.. s_sectionEnd, CallEnd]);
    }

    private static void ReadSection(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => SectionRegion.ReadCalls(context, body, truncated, raw, CallBegin, s_callEnd, ReadCall);

    private static void ReadCall(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
    {
        var arg = body.IndexOf(ArgumentBegin, StringComparison.Ordinal);
        if (arg < 0)
        {
            context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call has no <|tool_call_argument_begin|>.", raw);
            return;
        }

        var id = body[..arg].Trim().ToString();
        var name = id.StartsWith("functions.", StringComparison.Ordinal) ? id["functions.".Length..] : id;
        var colon = name.LastIndexOf(':');
        if (colon > 0 && name.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            name = name[..colon];
        }

        JsonCalls.EmitArguments(context, id.Length > 0 ? id : null, name, body[(arg + ArgumentBegin.Length)..], truncated, raw, ToolCallFormat.Kimi);
    }
}
