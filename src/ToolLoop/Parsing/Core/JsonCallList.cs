using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>How one array family writes its list of JSON calls (see <see cref="JsonCallListRegion"/>).</summary>
internal sealed class JsonCallList
{
    /// <summary>Reads one element of the list as a call; returns <see langword="false"/> with a reason when it is not one.</summary>
    public delegate bool ElementReader(JsonElement element, out string name, out string argumentsJson, out string? id, out string error);

    /// <summary>Gets the family.</summary>
    public required ToolCallFormat Format { get; init; }

    /// <summary>Gets the marker that ends the list, or <see langword="null"/> when the list's closing bracket ends the call.</summary>
    public string? Closer { get; init; }

    /// <summary>Gets a value indicating whether a single call object without brackets is accepted (Nemotron).</summary>
    public bool AllowObject { get; init; }

    /// <summary>
    /// Gets a value indicating whether the opener is ordinary text (FireFunction's <c>functools[</c>), so the list must start
    /// with <c>{"name"</c> and its text stays content when the output ends before that is known.
    /// </summary>
    public bool NameKeyFirst { get; init; }

    /// <summary>Gets a value indicating whether the opener is ordinary text whose region is a guess until it is confirmed.</summary>
    public bool Speculative => NameKeyFirst;

    /// <summary>Gets the element reader. Default: <c>{"name", "arguments"|"parameters"}</c>.</summary>
    public ElementReader Read { get; init; } = ReadNameAndArguments;

    /// <summary>The <c>{"name", "arguments"}</c> call object most array families write.</summary>
    public static bool ReadNameAndArguments(JsonElement element, out string name, out string argumentsJson, out string? id, out string error)
        => JsonCalls.TryReadCall(element, out name, out argumentsJson, out id, out error);

    /// <summary>Delivers the calls of the list's JSON text.</summary>
    /// <param name="context">Where results go.</param>
    /// <param name="json">The list (or object) text, from its first bracket.</param>
    /// <param name="scanner">The scanner that read it.</param>
    /// <param name="cut">Whether the output ended inside the JSON.</param>
    /// <param name="unclosed">Whether the family's closer is missing (the calls are then marked healed).</param>
    /// <param name="raw">The region's text, opener included.</param>
    public void Emit(ParseContext context, ReadOnlySpan<char> json, JsonScanner scanner, bool cut, bool unclosed, ReadOnlySpan<char> raw)
    {
        if (scanner.TooDeep)
        {
            context.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {context.Options.MaxJsonDepth} levels.", raw);
            return;
        }

        // Closed by the closer with brackets left open, or cut by the end of the output: complete what is open.
        var incomplete = !scanner.Done;
        var text = incomplete ? JsonCalls.Heal(json, scanner) : json.ToString();
        using var doc = text is null ? null : JsonCalls.TryParse(text, context, out _);
        if (doc is null || doc.RootElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
        {
            context.EmitProblem(cut ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                cut ? "The output ended inside this tool call and it cannot be completed." : "The tool-call list is not valid JSON.", raw);
            return;
        }

        var items = doc.RootElement.ValueKind == JsonValueKind.Array ? [.. doc.RootElement.EnumerateArray()] : new List<JsonElement> { doc.RootElement };
        if (items.Count == 0)
        {
            context.EmitProblem(ToolCallProblemKind.Malformed, "The tool-call list is empty.", raw);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var last = i == items.Count - 1;

            // One call is the whole region's text; several are reported by their own text.
            var itemRaw = items.Count == 1 ? raw : items[i].GetRawText().AsSpan();
            if (!Read(items[i], out var name, out var args, out var id, out var error))
            {
                context.EmitProblem(cut && last ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call cannot be read: " + error + ".", itemRaw, name.Length > 0 ? name : null);
                continue;
            }

            if (cut && last && !JsonCalls.NameWasComplete(json, name))
            {
                context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool call's name.", itemRaw);
                continue;
            }

            context.EmitCall(id, name, args, (incomplete && last) || unclosed, Format);
        }
    }
}
