namespace ToolLoop.Parsing;

/// <summary>
/// Fireworks FireFunction v2 (formats.md 9.7): <c> functools[{"name": …, "arguments": {…}}, …]</c> after the content, no closer.
/// <c>functools[</c> is ordinary text (Python's module name), so it opens a call only when <c>{"name"</c> follows, and the
/// format is not part of <see cref="ToolCallFormat.Auto"/>.
/// </summary>
internal static class FireFunctionV2Format
{
    public const string Open = "functools[";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.FireFunctionV2, NameKeyFirst = true };

    // The list's JSON starts at the opener's own bracket.
    public static void Register(FormatTable.Builder b)
        => b.Call(Open, static c => new JsonCallListRegion(c, s_list, Open.Length - 1));
}
