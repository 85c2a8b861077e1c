namespace ToolLoop.Parsing;

/// <summary>
/// NVIDIA Nemotron Nano v2 (formats.md 9.4): <c>&lt;TOOLCALL&gt;[{"name": …, "arguments": {…}}, …]&lt;/TOOLCALL&gt;</c> after the
/// reasoning (the prompt pre-fills <c>&lt;think&gt;\n</c>); a single object without brackets is read too. Its turn end
/// <c>&lt;SPECIAL_12&gt;</c> is removed.
/// </summary>
internal static class NemotronV2Format
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = ["<SPECIAL_12>"];

    public const string Open = "<TOOLCALL>";
    public const string Close = "</TOOLCALL>";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.NemotronV2, Closer = Close, AllowObject = true };

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new JsonCallListRegion(c, s_list, Open.Length));
        b.StripInContent(Close);
    }
}
