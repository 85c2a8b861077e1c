using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// Swiss AI Apertus (formats.md 9.10): <c>&lt;|tools_prefix|&gt;[{"NAME": {…arguments…}}, …]&lt;|tools_suffix|&gt;</c>, each element one
/// key, the function name; reasoning in <c>&lt;|inner_prefix|&gt;</c>…<c>&lt;|inner_suffix|&gt;</c>. Text after the suffix is content.
/// </summary>
internal static class ApertusFormat
{
    public const string Open = "<|tools_prefix|>";
    private const string Close = "<|tools_suffix|>";
    private static readonly JsonCallList s_list = new() { Format = ToolCallFormat.Apertus, Closer = Close, Read = ReadNamed };

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new JsonCallListRegion(c, s_list, Open.Length));
        b.Reasoning("<|inner_prefix|>", "<|inner_suffix|>");
        b.StripInContent(Close);
        b.Strip("<|assistant_end|>");
    }

    /// <summary>Reads <c>{"NAME": {arguments}}</c>; several keys are ambiguous (which one is the call?) and not run.</summary>
    private static bool ReadNamed(JsonElement element, out string name, out string argumentsJson, out string? id, out string error)
    {
        name = string.Empty;
        argumentsJson = "{}";
        id = null;
        error = string.Empty;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "a call must be a JSON object";
            return false;
        }

        var count = 0;
        JsonProperty call = default;
        foreach (var p in element.EnumerateObject())
        {
            call = p;
            count++;
        }

        if (count != 1 || string.IsNullOrWhiteSpace(call.Name))
        {
            error = count == 0 ? "the call object is empty" : count > 1 ? "the call object has several keys, one function name was expected" : "the function name is empty";
            return false;
        }

        name = call.Name;
        return call.Value.ValueKind == JsonValueKind.Null || JsonCalls.TryArguments(call.Value, out argumentsJson, out error);
    }
}
