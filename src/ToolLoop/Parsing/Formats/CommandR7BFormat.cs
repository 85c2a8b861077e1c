using System.Globalization;
using System.Text.Json;

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
    public const string ActionOpen = "<|START_ACTION|>";
    private const string ActionClose = "<|END_ACTION|>";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.CommandR7B, Closer = ActionClose, Read = ReadAction };

    public static void Register(FormatTable.Builder b)
    {
        b.Reasoning("<|START_THINKING|>", "<|END_THINKING|>", "<|START_RESPONSE|>", "<|START_TEXT|>");
        static CallRegion Action(ParseContext c) => new JsonCallListRegion(c, s_list, ActionOpen.Length);
        b.Call(ActionOpen, Action);
        b.CallEndsReasoning(ActionOpen, Action);
        b.StripInContent(ActionClose, "<|END_RESPONSE|>", "<|END_TEXT|>");
        b.Strip("<|END_OF_TURN_TOKEN|>");
    }

    /// <summary>Reads <c>{"tool_call_id", "tool_name", "parameters"}</c>.</summary>
    private static bool ReadAction(JsonElement element, out string name, out string argumentsJson, out string? id, out string error)
    {
        name = string.Empty;
        argumentsJson = "{}";
        id = null;
        error = string.Empty;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "an action must be a JSON object";
            return false;
        }

        if (!element.TryGetProperty("tool_name", out var n) || n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()))
        {
            error = "the action has no \"tool_name\" string";
            return false;
        }

        name = n.GetString()!;
        if (element.TryGetProperty("tool_call_id", out var i))
        {
            id = i.ValueKind switch
            {
                JsonValueKind.String => i.GetString(),
                JsonValueKind.Number => i.GetRawText(),
                _ => null,
            };
        }

        if (!element.TryGetProperty("parameters", out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        return JsonCalls.TryArguments(p, out argumentsJson, out error);
    }
}
