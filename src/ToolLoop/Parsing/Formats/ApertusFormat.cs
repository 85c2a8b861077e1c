namespace ToolLoop.Parsing;

/// <summary>
/// Swiss AI Apertus (formats.md 9.10): <c>&lt;|tools_prefix|&gt;[{"NAME": {…arguments…}}, …]&lt;|tools_suffix|&gt;</c>, each element one
/// key, the function name; reasoning in <c>&lt;|inner_prefix|&gt;</c>…<c>&lt;|inner_suffix|&gt;</c>. Text after the suffix is content.
/// </summary>
internal static class ApertusFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = ["<|assistant_end|>"];

    public const string Open = "<|tools_prefix|>";
    private const string Close = "<|tools_suffix|>";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.Apertus, Closer = Close, Shape = new() { NameIsKey = true } };

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new JsonCallListRegion(c, s_list, Open.Length));
        b.Reasoning("<|inner_prefix|>", "<|inner_suffix|>");
        b.StripInContent(Close);
    }
}
