using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// Shapes mapped messages for one template (see <see cref="TemplateCapabilities"/>): a system message merged into
/// the first user turn when the template has no system role; call-only assistant turns with the <c>content</c> and
/// argument forms the template reads; and, where the template does not render tool calls or tool results, the
/// calls written after the assistant's text and the results as a user turn, in the family's own syntax.
/// </summary>
internal static class ConversationShaper
{
    public static void Apply(JsonArray messages, TemplateCapabilities caps, ToolCallFormat family, PromptSplice splice)
    {
        if (!caps.SupportsSystem)
        {
            MergeSystemIntoUser(messages);
        }

        if (!caps.FoldCalls && caps.SplitParallelCalls)
        {
            SplitParallelCalls(messages);
        }

        if (!caps.FoldCalls && caps.SplitTextFromCalls)
        {
            SplitTextFromCalls(messages);
        }

        ShapeCalls(messages, caps, family, splice);
        if (caps.FoldResults)
        {
            FoldResults(messages, family, splice);
        }
    }

    /// <summary>The template refuses or drops system messages: the first one becomes the start of the next user turn
    /// (as llama.cpp does), or a user turn itself.</summary>
    public static void MergeSystemIntoUser(JsonArray messages)
    {
        if (messages.Count == 0 || Role(messages[0]) != "system")
        {
            return;
        }

        var system = messages[0]!.AsObject();
        string text = system["content"]?.GetValue<string>() ?? "";
        if (messages.Count > 1 && Role(messages[1]) == "user" && messages[1]!["content"] is JsonValue)
        {
            string user = messages[1]!["content"]!.GetValue<string>();
            messages[1]!["content"] = text.Length == 0 ? user : user.Length == 0 ? text : text + "\n\n" + user;
            messages.RemoveAt(0);
        }
        else
        {
            system["role"] = "user";
        }
    }

    /// <summary>A turn with several calls becomes one turn per call, each followed by its result (matched by call id),
    /// as a model that calls one tool at a time would have written the conversation.</summary>
    private static void SplitParallelCalls(JsonArray messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject m || Role(m) != "assistant" || m["tool_calls"] is not JsonArray calls || calls.Count < 2)
            {
                continue;
            }

            int end = i + 1;
            while (end < messages.Count && Role(messages[end]) == "tool")
            {
                end++;
            }

            var results = new List<JsonObject>();
            for (int k = i + 1; k < end; k++)
            {
                results.Add(messages[k]!.AsObject());
            }

            var replacement = new List<JsonObject>();
            for (int c = 0; c < calls.Count; c++)
            {
                var turn = c == 0 ? (JsonObject)m.DeepClone() : new JsonObject { ["role"] = "assistant", ["content"] = "" };
                turn["tool_calls"] = new JsonArray(calls[c]!.DeepClone());
                replacement.Add(turn);
                string? id = calls[c]?["id"]?.GetValue<string>();
                var own = results.Where(r => id is not null && r["tool_call_id"]?.GetValue<string>() == id).ToList();
                replacement.AddRange(own);
                results.RemoveAll(own.Contains);
            }

            // Results that match no call keep their place after the calls.
            replacement.AddRange(results);
            for (int k = end - 1; k >= i; k--)
            {
                messages.RemoveAt(k);
            }

            for (int k = 0; k < replacement.Count; k++)
            {
                messages.Insert(i + k, replacement[k].Parent is null ? replacement[k] : replacement[k].DeepClone());
            }

            i += replacement.Count - 1;
        }
    }

    /// <summary>A turn with text and calls becomes a text turn followed by a call-only turn.</summary>
    private static void SplitTextFromCalls(JsonArray messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject m || Role(m) != "assistant" || m["tool_calls"] is not JsonArray { Count: > 0 } calls
                || m["content"]?.GetValue<string>() is not { Length: > 0 })
            {
                continue;
            }

            m.Remove("tool_calls");
            messages.Insert(i + 1, new JsonObject { ["role"] = "assistant", ["content"] = "", ["tool_calls"] = calls });
            i++;
        }
    }

    private static void ShapeCalls(JsonArray messages, TemplateCapabilities caps, ToolCallFormat family, PromptSplice splice)
    {
        foreach (var node in messages)
        {
            if (node is not JsonObject m || Role(m) != "assistant" || m["tool_calls"] is not JsonArray calls || calls.Count == 0)
            {
                continue;
            }

            string text = m["content"]?.GetValue<string>() ?? "";
            if (caps.FoldCalls)
            {
                m["content"] = text + splice.Add(FamilyPrompts.Calls(family, m));
                m.Remove("tool_calls");
                continue;
            }

            if (text.Length == 0 && caps.CallContentNull)
            {
                // The OpenAI wire shape of a call-only turn, for templates that test `content is none`.
                m["content"] = null;
            }

            if (caps.StringArguments)
            {
                foreach (var call in calls)
                {
                    if (call?["function"] is JsonObject fn && fn["arguments"] is JsonObject args)
                    {
                        fn["arguments"] = FamilyPrompts.Dumps(args, indent: null);
                    }
                }
            }
        }
    }

    /// <summary>Each run of tool results becomes part of a user turn (joined to an adjacent user message).</summary>
    private static void FoldResults(JsonArray messages, ToolCallFormat family, PromptSplice splice)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            if (Role(messages[i]) != "tool")
            {
                continue;
            }

            int end = i;
            while (end < messages.Count && Role(messages[end]) == "tool")
            {
                end++;
            }

            var run = new List<JsonObject>();
            for (int k = i; k < end; k++)
            {
                run.Add(messages[k]!.AsObject());
            }

            string placeholder = splice.Add(FamilyPrompts.Results(family, run));
            for (int k = end - 1; k >= i; k--)
            {
                messages.RemoveAt(k);
            }

            if (i > 0 && Role(messages[i - 1]) == "user" && messages[i - 1]!["content"] is JsonValue)
            {
                string before = messages[i - 1]!["content"]!.GetValue<string>();
                messages[i - 1]!["content"] = before.Length == 0 ? placeholder : before + "\n\n" + placeholder;
                i--;
            }
            else if (i < messages.Count && Role(messages[i]) == "user" && messages[i]!["content"] is JsonValue)
            {
                string after = messages[i]!["content"]!.GetValue<string>();
                messages[i]!["content"] = after.Length == 0 ? placeholder : placeholder + "\n\n" + after;
            }
            else
            {
                messages.Insert(i, new JsonObject { ["role"] = "user", ["content"] = placeholder });
            }
        }
    }

    public static string? Role(JsonNode? message) => message?["role"] is JsonValue v && v.TryGetValue(out string? role) ? role : null;
}
