namespace ToolLoop.Parsing;

/// <summary>
/// Cohere Command R7B and Cohere2 MoE (formats.md 9.5): <c>&lt;|START_THINKING|&gt;…&lt;|END_THINKING|&gt;</c> reasoning, then
/// <c>&lt;|START_ACTION|&gt;[{"tool_call_id": "0", "tool_name": …, "parameters": {…}}, …]&lt;|END_ACTION|&gt;</c> or an answer in
/// <c>&lt;|START_RESPONSE|&gt;…&lt;|END_RESPONSE|&gt;</c> (Cohere2 MoE: <c>&lt;|START_TEXT|&gt;…&lt;|END_TEXT|&gt;</c>), whose wrappers are
/// removed. The model's <c>tool_call_id</c> is the call id. The action and answer openers also end an unclosed thinking
/// block (Cohere2 MoE's prompt opens it).
/// </summary>
internal static class CommandR7BFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = ["<|END_OF_TURN_TOKEN|>"];

    public const string ActionOpen = "<|START_ACTION|>";
    private const string ActionClose = "<|END_ACTION|>";
    private static readonly JsonCallShape s_action = new() { NameKey = "tool_name", ArgumentKeys = ["parameters"], IdKey = "tool_call_id" };
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.CommandR7B, Closer = ActionClose, Shape = s_action };

    public static void Register(FormatTable.Builder b)
    {
        b.Reasoning("<|START_THINKING|>", "<|END_THINKING|>", "<|START_RESPONSE|>", "<|START_TEXT|>");
        static CallRegion Action(ParseContext c) => new JsonCallListRegion(c, s_list, ActionOpen.Length);
        b.Call(ActionOpen, Action);
        b.CallEndsReasoning(ActionOpen, Action);
        b.StripInContent(ActionClose, "<|END_RESPONSE|>", "<|END_TEXT|>");
    }
}
