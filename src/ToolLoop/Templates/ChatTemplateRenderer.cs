using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Turns a conversation and its tools into the prompt a model was trained on, with a fallback chain:
/// the model's template renders the tools → use it; the template ignores tools → insert the family's
/// tool block where that family expects it; no template → the family's default framing plus its tool block.
/// </summary>
/// <remarks>
/// <para>"Ignores tools" is decided per request by rendering with and without the tools: identical
/// output means the template does not render them. The block then goes into the system message
/// (Hermes/Qwen, Qwen3-Coder, GLM, DeepSeek, Gemma 4, and <see cref="ToolCallFormat.Auto"/>), before
/// the first user message's text (Llama 3), before the last user turn's <c>[INST]</c> (Mistral), or at
/// the start of the prompt (Kimi); see <c>shared/formats.md</c>. If the template refuses a system
/// message, the block goes before the first user message's text instead.</para>
/// <para>Instances are immutable and thread-safe when <see cref="Options"/> is not modified after construction.</para>
/// </remarks>
public sealed class ChatTemplateRenderer
{
    private const string Sentinel = "\uE000ToolLoop.Tools\uE001";

    /// <summary>Creates a renderer.</summary>
    /// <param name="template">The model's chat template (from template text: <see cref="ChatTemplate.Parse"/>, which
    /// caches per text), or null to use the family's default framing.</param>
    /// <param name="family">The model family, used for the tool-block fallback and the default framing;
    /// default <see cref="ToolCallFormat.Auto"/> (ChatML with a Hermes tool block).</param>
    /// <param name="options">Keyword arguments, clock and caps; default null for <see cref="ChatTemplateOptions"/>'s defaults.</param>
    public ChatTemplateRenderer(ChatTemplate? template, ToolCallFormat family = ToolCallFormat.Auto, ChatTemplateOptions? options = null)
    {
        Template = template;
        Family = family;
        Options = options ?? new ChatTemplateOptions();
    }

    /// <summary>The model's template; null when the family's default framing is used.</summary>
    public ChatTemplate? Template { get; }

    /// <summary>The model family.</summary>
    public ToolCallFormat Family { get; }

    /// <summary>Keyword arguments, clock and caps used for every render.</summary>
    public ChatTemplateOptions Options { get; }

    /// <summary>Renders a conversation.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">Request options; <see cref="ChatOptions.Tools"/> supplies the tool declarations. May be null.</param>
    /// <returns>The prompt, its segments, the generation prompt and where the tools came from.</returns>
    /// <exception cref="TemplateException">The template raised or a cap was reached.</exception>
    public ChatPrompt Render(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        bool usedDefault = Template is null;
        var template = Template ?? ChatTemplate.Parse(FamilyPrompts.DefaultTemplate(Family));
        var variables = ChatTemplateInputs.Create(messages, chatOptions, Options);
        var tools = variables["tools"] as JsonArray;

        var segments = template.RenderSegments(variables, Options);
        var source = ToolPromptSource.None;
        if (tools is not null)
        {
            source = ToolPromptSource.Template;
            bool rendersTools = !usedDefault;
            if (rendersTools)
            {
                var withoutTools = Clone(variables);
                withoutTools["tools"] = null;
                try
                {
                    rendersTools = template.Render(withoutTools, Options) != Concat(segments);
                }
                catch (TemplateException)
                {
                    // The template cannot render without tools (e.g. Hermes 2 Pro's tool_use template iterates them),
                    // so it certainly uses them.
                    rendersTools = true;
                }
            }

            if (!rendersTools)
            {
                source = ToolPromptSource.FamilyFallback;
                (segments, variables) = RenderWithToolBlock(template, variables, tools);
            }
        }

        string generationPrompt = "";
        if (Options.AddGenerationPrompt)
        {
            var withoutPrompt = Clone(variables);
            withoutPrompt["add_generation_prompt"] = false;
            string full = source == ToolPromptSource.FamilyFallback ? template.Render(variables, Options) : Concat(segments);
            try
            {
                string head = template.Render(withoutPrompt, Options);
                generationPrompt = full.StartsWith(head, StringComparison.Ordinal) ? full[head.Length..] : "";
            }
            catch (TemplateException)
            {
                // A template that only renders with a generation prompt: the prefill is unknown.
                generationPrompt = "";
            }
        }

        return new ChatPrompt(segments, generationPrompt, source, usedDefault);
    }

    private (IReadOnlyList<TemplateSegment>, JsonObject) RenderWithToolBlock(ChatTemplate template, JsonObject variables, JsonArray tools)
    {
        var block = FamilyPrompts.ToolBlock(Family, tools);
        var placement = FamilyPrompts.PlacementFor(Family);
        if (placement == FamilyPrompts.Placement.PromptStart)
        {
            var rendered = template.RenderSegments(variables, Options);
            return ([.. block, .. rendered], variables);
        }

        if (placement == FamilyPrompts.Placement.SystemMessage)
        {
            var withSystem = WithSentinel(variables, placement);
            try
            {
                var rendered = template.RenderSegments(withSystem, Options);
                if (Splice(rendered, block, beforeMarker: null) is { } spliced)
                {
                    return (spliced, withSystem);
                }
            }
            catch (TemplateException)
            {
                // e.g. "System role not supported": fall through to the first user message.
            }

            placement = FamilyPrompts.Placement.FirstUserMessage;
        }

        var modified = WithSentinel(variables, placement);
        var segments = template.RenderSegments(modified, Options);
        var result = Splice(segments, block, placement == FamilyPrompts.Placement.BeforeLastUserTurn ? "[INST]" : null);
        if (result is null)
        {
            // The template dropped the text carrying the marker: put the block at the start.
            return ([.. block, .. template.RenderSegments(variables, Options)], variables);
        }

        return (result, modified);
    }

    private static JsonObject WithSentinel(JsonObject variables, FamilyPrompts.Placement placement)
    {
        var copy = Clone(variables);
        var messages = copy["messages"]!.AsArray();
        switch (placement)
        {
            case FamilyPrompts.Placement.SystemMessage:
                if (messages.Count > 0 && messages[0]?["role"]?.GetValue<string>() == "system")
                {
                    string content = messages[0]!["content"]?.GetValue<string>() ?? "";
                    messages[0]!["content"] = content.Length > 0 ? content + "\n\n" + Sentinel : Sentinel;
                }
                else
                {
                    messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = Sentinel });
                }

                break;
            case FamilyPrompts.Placement.FirstUserMessage:
            case FamilyPrompts.Placement.BeforeLastUserTurn:
                {
                    var users = messages.Where(m => m?["role"]?.GetValue<string>() == "user").ToList();
                    var target = placement == FamilyPrompts.Placement.FirstUserMessage ? users.FirstOrDefault() : users.LastOrDefault();
                    if (target is null)
                    {
                        target = new JsonObject { ["role"] = "user", ["content"] = "" };
                        messages.Add(target);
                    }

                    target["content"] = Sentinel + (target["content"]?.GetValue<string>() ?? "");
                    break;
                }
        }

        return copy;
    }

    /// <summary>Replaces the sentinel (inside a data segment) with the block; with <paramref name="beforeMarker"/>,
    /// the block goes before the last occurrence of that framing marker preceding the sentinel.</summary>
    private static List<TemplateSegment>? Splice(IReadOnlyList<TemplateSegment> segments, List<TemplateSegment> block, string? beforeMarker)
    {
        var result = new List<TemplateSegment>(segments.Count + block.Count + 2);
        bool found = false;
        foreach (var seg in segments)
        {
            int at = found ? -1 : seg.Text.IndexOf(Sentinel, StringComparison.Ordinal);
            if (at < 0)
            {
                result.Add(seg);
                continue;
            }

            found = true;
            if (at > 0)
            {
                result.Add(seg with { Text = seg.Text[..at] });
            }

            int insertAt = result.Count;
            if (beforeMarker is not null)
            {
                for (int i = result.Count - 1; i >= 0; i--)
                {
                    int m = result[i].IsData ? -1 : result[i].Text.LastIndexOf(beforeMarker, StringComparison.Ordinal);
                    if (m >= 0)
                    {
                        var s = result[i];
                        result.RemoveAt(i);
                        var parts = new List<TemplateSegment>();
                        if (m > 0)
                        {
                            parts.Add(s with { Text = s.Text[..m] });
                        }

                        parts.Add(s with { Text = s.Text[m..] });
                        result.InsertRange(i, parts);
                        insertAt = m > 0 ? i + 1 : i;
                        break;
                    }
                }
            }

            result.InsertRange(insertAt, block);
            string rest = seg.Text[(at + Sentinel.Length)..];
            if (rest.Length > 0)
            {
                result.Add(seg with { Text = rest });
            }
        }

        if (!found)
        {
            return null;
        }

        // The sentinel never leaks: a template that copied it elsewhere loses the copies.
        for (int i = 0; i < result.Count; i++)
        {
            if (result[i].Text.Contains(Sentinel, StringComparison.Ordinal))
            {
                result[i] = result[i] with { Text = result[i].Text.Replace(Sentinel, "", StringComparison.Ordinal) };
            }
        }

        result.RemoveAll(s => s.Text.Length == 0);
        return result;
    }

    private static JsonObject Clone(JsonObject o) => o.DeepClone().AsObject();

    private static string Concat(IReadOnlyList<TemplateSegment> segments) => string.Concat(segments.Select(s => s.Text));
}
