namespace ToolLoop.Parsing;

/// <summary>
/// IBM Granite 3.x (formats.md 9.6): <c>&lt;|tool_call|&gt;[{"name": …, "arguments": {…}}, …]</c> with no closer (the array ends
/// the call, <c>&lt;|end_of_text|&gt;</c> the message); Granite 3.1 also writes <c>&lt;tool_call&gt;[…]</c>, read by the shared
/// <c>&lt;tool_call&gt;</c> dispatcher. Granite 3.2/3.3 reason in <c>&lt;think&gt;</c> and wrap the answer in
/// <c>&lt;response&gt;</c>…<c>&lt;/response&gt;</c>, which this format (not <see cref="ToolCallFormat.Auto"/>: they are plain text) removes.
/// </summary>
internal static class GraniteFormat
{
    public const string Open = "<|tool_call|>";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.Granite };

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new JsonCallListRegion(c, s_list, Open.Length));
        if (b.Format == ToolCallFormat.Granite)
        {
            b.Call(ToolCallTag.Open, ToolCallTag.Region);
            b.StripInContent(ToolCallTag.Close, "<response>", "</response>");
        }
    }
}
