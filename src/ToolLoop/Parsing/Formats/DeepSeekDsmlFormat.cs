namespace ToolLoop.Parsing;

/// <summary>
/// DeepSeek V3.2 and V4 DSML (formats.md 6.1): <c>&lt;｜DSML｜function_calls&gt;</c> (V4: <c>&lt;｜DSML｜tool_calls&gt;</c>, either is
/// accepted for both versions) holding <c>&lt;｜DSML｜invoke name="NAME"&gt;</c> elements of
/// <c>&lt;｜DSML｜parameter name="KEY" string="true|false"&gt;VALUE&lt;/｜DSML｜parameter&gt;</c>. <c>string="true"</c> keeps the raw text,
/// <c>string="false"</c> reads it as JSON. The block opener also ends an unclosed think block (models open the block
/// without writing <c>&lt;/think&gt;</c>). The bars are U+FF5C; <c>｜DSML｜</c> is one token in V4.
/// </summary>
internal static class DeepSeekDsmlFormat
{
    public const string Piece = "｜DSML｜";
    private static readonly string[] s_openers = ["<" + Piece + "function_calls>", "<" + Piece + "tool_calls>"];
    private static readonly string[] s_closers = ["</" + Piece + "function_calls>", "</" + Piece + "tool_calls>"];
    private static readonly string[] s_stops = [DeepSeekFormat.EndOfSentence];
    private static readonly SectionRegion.CallBounds s_calls = new("<" + Piece + "invoke", ["</" + Piece + "invoke>"], EndAfterLastCall: true);

    // Tags with the piece, and the piece-less or mixed spellings SGLang accepts inside a DSML block.
    private static readonly InvokeCalls s_invokes = new(ToolCallFormat.DeepSeekDsml, Piece, "");

    public static void Register(FormatTable.Builder b)
    {
        foreach (var opener in s_openers)
        {
            CallRegion Make(ParseContext c) => new SectionRegion(ToolCallFormat.DeepSeekDsml, opener.Length, s_closers, s_stops, Read, SectionRegion.StartsWithMarkup, s_calls);
            b.Call(opener, Make);
            b.CallEndsReasoning(opener, Make);
        }

        b.StripInContent(s_closers);
    }

    private static void Read(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => s_invokes.Read(context, body, truncated);
}
