using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Maps Microsoft.Extensions.AI messages and tools to the variables Hugging Face chat templates expect
/// (the OpenAI-style shapes transformers and llama.cpp pass to templates).
/// </summary>
/// <remarks>
/// <para>Messages: <c>{role, content}</c> for system and user turns; assistant turns add
/// <c>reasoning_content</c> (from <see cref="TextReasoningContent"/>) and
/// <c>tool_calls: [{type: "function", id, function: {name, arguments}}]</c> with the arguments as a JSON
/// object (templates iterate it or apply <c>tojson</c>); each <see cref="FunctionResultContent"/> becomes
/// its own <c>{role: "tool", tool_call_id, name, content}</c> message, the name taken from the matching
/// call. Content is the concatenated text of the message's <see cref="TextContent"/> items (an empty
/// string when there is none, since several templates print <c>content</c> unconditionally); other content
/// kinds (images, audio) are not mapped. A tool result that is not a string is serialised as compact JSON.</para>
/// <para>Tools: each <see cref="AIFunctionDeclaration"/> becomes
/// <c>{type: "function", function: {name, description, parameters}}</c>; other tool kinds are skipped.</para>
/// <para>This is the template-independent mapping. <see cref="ChatTemplateRenderer"/> shapes it further for the
/// template at hand (call-only turns with <c>content</c> null, string arguments, one turn per call, calls and
/// results the template does not render written in the family's syntax).</para>
/// <para>All members are stateless and thread-safe.</para>
/// </remarks>
public static class ChatTemplateInputs
{
    /// <summary>Builds the complete variable set for a render.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">Request options; only <see cref="ChatOptions.Tools"/> is used. May be null.</param>
    /// <param name="options">Keyword arguments (<c>bos_token</c>, <c>eos_token</c>, <c>add_generation_prompt</c>,
    /// <c>enable_thinking</c>, additional arguments); null for the defaults.</param>
    /// <returns>A new object with <c>messages</c>, <c>tools</c> (null when no function is declared, as
    /// transformers passes it), <c>add_generation_prompt</c> and the other keyword arguments.</returns>
    public static JsonObject Create(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, ChatTemplateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        options ??= ChatTemplateOptions.Default;
        var variables = new JsonObject { ["messages"] = MapMessages(messages) };
        variables["tools"] = MapTools(chatOptions?.Tools);

        AddKeywordArguments(variables, options);
        return variables;
    }

    /// <summary>Adds <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>, <c>enable_thinking</c> and
    /// the additional arguments of <paramref name="options"/> to <paramref name="variables"/>.</summary>
    /// <param name="variables">The variables to complete.</param>
    /// <param name="options">The keyword arguments.</param>
    public static void AddKeywordArguments(JsonObject variables, ChatTemplateOptions options)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(options);
        variables["add_generation_prompt"] = options.AddGenerationPrompt;
        if (options.BosToken is not null)
        {
            variables["bos_token"] = options.BosToken;
        }

        if (options.EosToken is not null)
        {
            variables["eos_token"] = options.EosToken;
        }

        if (options.EnableThinking is bool thinking)
        {
            variables["enable_thinking"] = thinking;
        }

        foreach (var kv in options.AdditionalArguments)
        {
            variables[kv.Key] = kv.Value?.DeepClone();
        }
    }

    /// <summary>Maps a conversation to the template's <c>messages</c> list.</summary>
    /// <param name="messages">The conversation.</param>
    /// <returns>A new JSON array of message objects.</returns>
    public static JsonArray MapMessages(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new JsonArray();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            string role = message.Role.Value.ToLowerInvariant();
            var text = new TextAccumulator();
            var reasoning = new TextAccumulator();
            bool hasReasoning = false;
            JsonArray? toolCalls = null;
            List<FunctionResultContent>? results = null;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case TextReasoningContent r:
                        reasoning.Append(r.Text);
                        hasReasoning = true;
                        break;
                    case FunctionCallContent call:
                        callNames[call.CallId] = call.Name;
                        (toolCalls ??= []).Add((JsonNode)new JsonObject
                        {
                            ["type"] = "function",
                            ["id"] = call.CallId,
                            ["function"] = new JsonObject
                            {
                                ["name"] = call.Name,
                                ["arguments"] = MapArguments(call.Arguments),
                            },
                        });
                        break;
                    case FunctionResultContent fr:
                        (results ??= []).Add(fr);
                        break;
                }
            }

            bool onlyResults = results is not null && text.Length == 0 && toolCalls is null && !hasReasoning;
            if (!onlyResults)
            {
                var m = new JsonObject { ["role"] = role, ["content"] = text.ToString() };
                if (hasReasoning)
                {
                    m["reasoning_content"] = reasoning.ToString();
                }

                if (toolCalls is not null)
                {
                    m["tool_calls"] = toolCalls;
                }

                if (!string.IsNullOrEmpty(message.AuthorName) && role != "tool")
                {
                    m["name"] = message.AuthorName;
                }

                result.Add((JsonNode)m);
            }

            if (results is null)
            {
                continue;
            }

            foreach (var fr in results)
            {
                result.Add((JsonNode)new JsonObject
                {
                    ["role"] = "tool",
                    ["tool_call_id"] = fr.CallId,
                    ["name"] = callNames.TryGetValue(fr.CallId, out var name) ? name : message.AuthorName ?? "",
                    ["content"] = ResultText(fr),
                });
            }
        }

        return result;
    }

    /// <summary>Maps tool declarations to the template's <c>tools</c> list.</summary>
    /// <param name="tools">The tools of a request; may be null.</param>
    /// <returns>A new JSON array, or null when no <see cref="AIFunctionDeclaration"/> is present.</returns>
    public static JsonArray? MapTools(IEnumerable<AITool>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        var result = new JsonArray();
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration f)
            {
                continue;
            }

            // A view of the schema element (read as the render walks it), rather than its text parsed again.
            JsonNode parameters = f.JsonSchema.ValueKind == JsonValueKind.Object
                ? JsonObject.Create(f.JsonSchema)!
                : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            result.Add((JsonNode)new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = f.Name,
                    ["description"] = f.Description ?? "",
                    ["parameters"] = parameters,
                },
            });
        }

        return result.Count > 0 ? result : null;
    }

    private static JsonObject MapArguments(IDictionary<string, object?>? arguments)
    {
        var obj = new JsonObject();
        if (arguments is null)
        {
            return obj;
        }

        foreach (var kv in arguments)
        {
            obj[kv.Key] = ToNode(kv.Value);
        }

        return obj;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement el => el.ValueKind == JsonValueKind.Null ? null : JsonNode.Parse(el.GetRawText()),
        string s => JsonValue.Create(s),
        // String lists (a common argument) as the serializer writes them, without a trip through it.
        string?[] strings => StringArray(strings),
        List<string?> strings when strings.GetType() == typeof(List<string>) => StringArray(strings),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        // Numbers System.Text.Json may not serialise (or not as JSON numbers): their exact text, as Python would read it.
        System.Numerics.BigInteger big => JsonNode.Parse(big.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ulong u => JsonNode.Parse(u.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Int128 i128 => JsonNode.Parse(i128.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        UInt128 u128 => JsonNode.Parse(u128.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        decimal m => JsonNode.Parse(m.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
    };

    private static JsonArray StringArray(IReadOnlyList<string?> strings)
    {
        var array = new JsonArray();
        foreach (string? s in strings)
        {
            array.Add((JsonNode?)(s is null ? null : JsonValue.Create(s)));
        }

        return array;
    }

    /// <summary>The text of a message's parts: the part itself when there is one (no copy), a builder only for several.</summary>
    private struct TextAccumulator
    {
        private string? _first;
        private StringBuilder? _builder;

        public readonly int Length => _builder?.Length ?? _first?.Length ?? 0;

        public void Append(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            if (_first is null)
            {
                _first = text;
                return;
            }

            _builder ??= new StringBuilder(_first);
            _builder.Append(text);
        }

        public override readonly string ToString() => _builder?.ToString() ?? _first ?? "";
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? "Error: " + e.Message : "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } el => el.GetString() ?? "",
        JsonElement el => el.GetRawText(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonNode n => n.ToJsonString(),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions.GetTypeInfo(other.GetType())),
    };
}
