using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>Reading <c>{"name", "arguments"|"parameters"}</c> call objects, shared by the JSON-bodied families.</summary>
internal static class JsonCalls
{
    /// <summary>Parses <paramref name="json"/>; on failure returns <see langword="null"/> and says why.</summary>
    public static JsonDocument? TryParse(ReadOnlySpan<char> json, ParseContext context, out string? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(json.ToString(), context.JsonOptions);
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + ex.Message;
            return null;
        }
    }

    /// <summary>The text that completes a JSON value cut short, or <see langword="null"/> when it cannot be completed by closing.</summary>
    public static string? Heal(ReadOnlySpan<char> json, JsonScanner scanner)
    {
        var closers = scanner.Closers();
        if (closers is null || !scanner.Started)
        {
            return null;
        }

        if (scanner.PendingEscape)
        {
            json = json[..^1];
        }

        if (!scanner.InString)
        {
            json = json.TrimEnd();
            if (json.Length > 0 && json[^1] == ',')
            {
                json = json[..^1];
            }
        }

        return string.Concat(json, closers);
    }

    /// <summary>Reads a call object. Returns <see langword="false"/> with a message when it is not one.</summary>
    public static bool TryReadCall(JsonElement obj, out string name, out string argumentsJson, out string? id, out string error)
        => TryReadCall(obj, out name, out argumentsJson, out id, out error, out _);

    /// <summary>Reads a call object; on an arguments error, <paramref name="rawArguments"/> holds the arguments' JSON text.</summary>
    public static bool TryReadCall(JsonElement obj, out string name, out string argumentsJson, out string? id, out string error, out string? rawArguments)
    {
        rawArguments = null;
        name = string.Empty;
        argumentsJson = "{}";
        id = null;
        error = string.Empty;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            error = "a tool call must be a JSON object";
            return false;
        }

        // OpenAI-style {"type": "function", "function": {"name", "arguments"}}.
        if (obj.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object && !obj.TryGetProperty("name", out _))
        {
            if (obj.TryGetProperty("id", out var outerId) && outerId.ValueKind == JsonValueKind.String)
            {
                id = outerId.GetString();
            }

            var ok = TryReadCall(fn, out name, out argumentsJson, out var innerId, out error, out rawArguments);
            id ??= innerId;
            return ok;
        }

        if (!obj.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()))
        {
            error = "the call has no \"name\" string";
            return false;
        }

        name = n.GetString()!;
        if (obj.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String)
        {
            id = idEl.GetString();
        }

        JsonElement args = default;
        var hasArgs = obj.TryGetProperty("arguments", out args) || obj.TryGetProperty("parameters", out args);
        if (!hasArgs || args.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (TryArguments(args, out argumentsJson, out error))
        {
            return true;
        }

        rawArguments = args.GetRawText();
        return false;
    }

    /// <summary>Turns an arguments value into a JSON object text: an object as written, or a string holding a JSON object.</summary>
    public static bool TryArguments(JsonElement args, out string argumentsJson, out string error)
    {
        error = string.Empty;
        argumentsJson = "{}";
        switch (args.ValueKind)
        {
            case JsonValueKind.Object:
                argumentsJson = args.GetRawText();
                return true;
            case JsonValueKind.String:
                var inner = args.GetString()!;
                if (string.IsNullOrWhiteSpace(inner))
                {
                    return true;
                }

                try
                {
                    using var doc = JsonDocument.Parse(inner);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        argumentsJson = doc.RootElement.GetRawText();
                        return true;
                    }
                }
                catch (JsonException)
                {
                    // Reported below: a string that is not a JSON object.
                }

                error = "\"arguments\" is a string that does not hold a JSON object";
                return false;
            default:
                error = $"\"arguments\" must be a JSON object, not {args.ValueKind.ToString().ToLowerInvariant()}";
                return false;
        }
    }

    /// <summary>
    /// Delivers one call object given as JSON text: parses it (healing it first at end of stream), and emits the
    /// call, or a problem carrying <paramref name="raw"/>.
    /// </summary>
    public static void EmitCallObject(ParseContext context, ReadOnlySpan<char> json, JsonScanner? scanner, bool truncated, ReadOnlySpan<char> raw, ToolCallFormat format, bool unclosed = false)
    {
        if (scanner is { TooDeep: true })
        {
            context.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {context.Options.MaxJsonDepth} levels.", raw);
            return;
        }

        var healed = false;
        string text;
        if (truncated)
        {
            var h = scanner is null ? null : Heal(json, scanner);
            if (h is null)
            {
                context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside this tool call and it cannot be completed.", raw);
                return;
            }

            text = h;
            healed = true;
        }
        else
        {
            text = json.ToString();
        }

        using var doc = TryParse(text, context, out var error);
        if (doc is null)
        {
            context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, truncated ? "The output ended inside this tool call and it cannot be completed." : "The tool call is not valid JSON: " + error, raw);
            return;
        }

        if (!TryReadCall(doc.RootElement, out var name, out var args, out var id, out error, out var rawArguments))
        {
            context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + error + ".", raw, name.Length > 0 ? name : null, rawArguments);
            return;
        }

        if (healed && !NameWasComplete(json, name))
        {
            context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside this tool call's name.", raw);
            return;
        }

        context.EmitCall(id, name, args, healed || unclosed, format);
    }

    /// <summary>
    /// Delivers a call whose name and id come from markup and whose arguments are JSON text (healed when
    /// <paramref name="truncated"/>).
    /// </summary>
    public static void EmitArguments(ParseContext context, string? id, string name, ReadOnlySpan<char> json, bool truncated, ReadOnlySpan<char> raw, ToolCallFormat format)
    {
        json = json.Trim();
        if (name.Length == 0)
        {
            context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool call has no name.", raw);
            return;
        }

        foreach (var c in name)
        {
            // Markup or prose where the name should be (a stray token before the separator): not a call.
            if (!Spans.IsNameChar(c) && c is not (':' or '/'))
            {
                context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed, "The tool name is not a name.", raw);
                return;
            }
        }

        var scanner = new JsonScanner(context.Options.MaxJsonDepth);
        var pos = 0;
        var done = scanner.Feed(json, ref pos);
        if (scanner.TooDeep)
        {
            context.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's JSON is nested deeper than {context.Options.MaxJsonDepth} levels.", raw, name);
            return;
        }

        string? text;
        var healed = truncated;
        if (json.IsEmpty)
        {
            text = "{}";
        }
        else if (!done)
        {
            text = Heal(json, scanner);
            healed = true;
        }
        else
        {
            text = json.ToString();
        }

        using var doc = text is null ? null : TryParse(text, context, out _);
        if (doc is null || !TryArguments(doc.RootElement, out var args, out var error))
        {
            context.EmitProblem(truncated ? ToolCallProblemKind.Truncated : ToolCallProblemKind.Malformed,
                truncated ? "The output ended inside this tool call and it cannot be completed." : "The tool call's arguments are not a JSON object.", raw, name);
            return;
        }

        _ = error;
        context.EmitCall(id, name, args, healed, format);
    }

    /// <summary>A healed call must not have had its name cut: its closing quote must be in the original text.</summary>
    public static bool NameWasComplete(ReadOnlySpan<char> original, string name)
        => original.IndexOf(string.Concat("\"", JsonEncodedText.Encode(name).ToString(), "\""), StringComparison.Ordinal) >= 0
           || original.IndexOf(string.Concat("\"", name, "\""), StringComparison.Ordinal) >= 0;
}
