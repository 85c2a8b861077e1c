using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Render;

/// <summary>
/// A conversation file for <c>toolloop render</c>, in OpenAI's chat-completions shape: either an array of messages or an
/// object <c>{"messages": [...], "tools": [...]}</c>.
/// </summary>
/// <remarks>
/// <para>A message is <c>{"role", "content"}</c>; <c>content</c> is a string, <see langword="null"/>, or an array of
/// <c>{"type": "text", "text"}</c> parts. An assistant message may carry <c>"reasoning_content"</c> (or
/// <c>"reasoning"</c>) and <c>"tool_calls": [{"id", "type": "function", "function": {"name", "arguments"}}]</c>, where
/// <c>arguments</c> is a JSON string (as OpenAI sends it) or an object. A tool result is
/// <c>{"role": "tool", "tool_call_id", "content"}</c>. Tools are OpenAI's
/// <c>{"type": "function", "function": {"name", "description", "parameters"}}</c> or the same object unwrapped.</para>
/// </remarks>
internal sealed class ConversationFile
{
    private static readonly JsonElement s_emptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private ConversationFile(List<ChatMessage> messages, List<ToolDeclaration> tools)
    {
        Messages = messages;
        Tools = tools;
    }

    public List<ChatMessage> Messages { get; }

    public List<ToolDeclaration> Tools { get; }

    /// <summary>Reads a conversation; every mistake is a <see cref="FormatException"/> naming the message.</summary>
    public static ConversationFile Read(JsonElement root)
    {
        JsonElement messages;
        var tools = new List<ToolDeclaration>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                messages = root;
                break;
            case JsonValueKind.Object:
                if (!root.TryGetProperty("messages", out messages) || messages.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("the conversation needs a \"messages\" array");
                }

                if (root.TryGetProperty("tools", out var t) && t.ValueKind != JsonValueKind.Null)
                {
                    tools = ToolDeclaration.ReadAll(t);
                }

                break;
            default:
                throw new FormatException("the conversation must be an array of messages or an object with \"messages\"");
        }

        var result = new List<ChatMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            try
            {
                result.Add(ReadMessage(message));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"message {index}: {ex.Message}", ex);
            }
        }

        return new ConversationFile(result, tools);
    }

    /// <summary>The tools as declarations the renderer gives the template (a missing schema is an empty object schema).</summary>
    public static List<AITool> ToAITools(IEnumerable<ToolDeclaration> tools)
        => [.. tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Parameters ?? s_emptySchema))];

    private static ChatMessage ReadMessage(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a message must be an object");
        }

        if (!message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(roleElement.GetString()))
        {
            throw new FormatException("a message needs a \"role\" string");
        }

        var role = roleElement.GetString()!;
        var contents = new List<AIContent>();
        if (role == "tool")
        {
            if (!message.TryGetProperty("tool_call_id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("a tool message needs a \"tool_call_id\" string");
            }

            contents.Add(new FunctionResultContent(id.GetString()!, ReadText(message) ?? string.Empty));
            return new ChatMessage(ChatRole.Tool, contents);
        }

        foreach (var key in (string[])["reasoning_content", "reasoning"])
        {
            if (message.TryGetProperty(key, out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } reasoning)
            {
                contents.Add(new TextReasoningContent(reasoning));
                break;
            }
        }

        if (ReadText(message) is { } text)
        {
            contents.Add(new TextContent(text));
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
        {
            if (role != "assistant")
            {
                throw new FormatException("only an assistant message can have \"tool_calls\"");
            }

            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("\"tool_calls\" must be an array");
            }

            var n = 0;
            foreach (var call in calls.EnumerateArray())
            {
                n++;
                contents.Add(ReadCall(call, n));
            }
        }

        return new ChatMessage(new ChatRole(role), contents);
    }

    private static string? ReadText(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }

        switch (content.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return content.GetString();
            case JsonValueKind.Array:
                var parts = new List<string>();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException("each \"content\" part must be {\"type\": \"text\", \"text\": \"...\"} (only text parts are rendered)");
                    }

                    parts.Add(text.GetString()!);
                }

                return string.Concat(parts);
            default:
                throw new FormatException("\"content\" must be a string, null or an array of text parts");
        }
    }

    private static FunctionCallContent ReadCall(JsonElement call, int n)
    {
        var fn = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : call;
        if (fn.ValueKind != JsonValueKind.Object || !fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"tool call {n} needs a \"function\" with a \"name\" string");
        }

        var id = call.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : $"call_{n}";
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fn.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            var obj = args;
            JsonDocument? parsed = null;
            if (args.ValueKind == JsonValueKind.String)
            {
                try
                {
                    parsed = JsonDocument.Parse(args.GetString()!);
                }
                catch (JsonException ex)
                {
                    throw new FormatException($"tool call {n} ({name.GetString()}): \"arguments\" is a string but {JsonInput.Describe(ex)}", ex);
                }

                obj = parsed.RootElement;
            }

            using (parsed)
            {
                if (obj.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"tool call {n} ({name.GetString()}): \"arguments\" must be a JSON object (or a string holding one)");
                }

                foreach (var property in obj.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }
        }

        return new FunctionCallContent(id, name.GetString()!, arguments);
    }
}
