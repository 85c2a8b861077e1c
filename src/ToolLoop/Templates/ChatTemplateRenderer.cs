using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Turns a conversation and its tools into the prompt a model was trained on, with a fallback chain:
/// the model's template renders the tools → use it; the template ignores tools → insert the family's
/// tool block where that family expects it; no template → the family's default framing plus its tool block.
/// The model's own tool calls and results always reach the prompt: when the template does not render them,
/// they are written in the family's syntax.
/// </summary>
/// <remarks>
/// <para>What a template supports is learned once per template and keyword-argument set, by rendering small
/// probe conversations (cached on the <see cref="ChatTemplate"/>, thread-safe): whether it renders declared tools
/// and a system message, which shape of call-only assistant turn it renders (<c>content</c> null as in the OpenAI
/// wire format, or <c>""</c>; arguments as an object, or a JSON string), whether it renders tool results, and the
/// generation prompt it appends after a conversation ending in each role. A request then costs one render; a
/// second one only where the probes disagreed (a template whose tool rendering or generation prompt depends on the
/// conversation), or when the prompt does not end with the learned generation prompt.</para>
/// <para>A template that ignores tools gets the family's tool block in the system message (Hermes/Qwen,
/// Qwen3-Coder, GLM, DeepSeek, Gemma 4, <see cref="ToolCallFormat.Auto"/> and any family without conventions of its
/// own), before the first user message's text (Llama 3, and any family when the template has no system role), before
/// the last user turn's <c>[INST]</c> (Mistral), or at the start of the prompt (Kimi); see <c>shared/formats.md</c>.
/// A template that does not render tool calls gets them after the assistant's text, and one that does not render
/// tool results gets them as a user turn, both in the family's syntax. A system message the template refuses or
/// drops is merged into the first user turn, as llama.cpp does.</para>
/// <para>Instances are immutable and thread-safe when <see cref="Options"/> is not modified after construction.</para>
/// </remarks>
public sealed class ChatTemplateRenderer
{
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

    /// <summary>Tests only: false decides tool rendering and the generation prompt per request, with extra renders,
    /// instead of trusting what was learned (the renders must be identical either way).</summary>
    internal bool UseLearnedCapabilities { get; init; } = true;

    /// <summary>The template that renders: the model's, or the family's default framing.</summary>
    internal ChatTemplate EffectiveTemplate => Template ?? FamilyPrompts.DefaultChatTemplate(Family);

    /// <summary>Renders a conversation.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">Request options; <see cref="ChatOptions.Tools"/> supplies the tool declarations. May be null.</param>
    /// <returns>The prompt, its segments, the generation prompt and where the tools came from.</returns>
    /// <exception cref="TemplateException">The template raised or a cap was reached.</exception>
    public ChatPrompt Render(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var template = EffectiveTemplate;
        var caps = template.GetCapabilities(Options);
        bool? rendersTools = Template is null ? false : UseLearnedCapabilities ? caps.RendersTools : null;
        var request = Prepare(caps, messages, chatOptions, rendersTools ?? true);
        var (text, rendered) = template.RenderTextAndSegments(request.Variables, Options);
        if (request.Tools is not null && rendersTools is null && !RendersTools(template, request.Variables, text))
        {
            // Whether the template renders the tools depends on the conversation: it did not render them in this one.
            request = Prepare(caps, messages, chatOptions, rendersTools: false);
            (text, rendered) = template.RenderTextAndSegments(request.Variables, Options);
        }

        var source = request.Tools is null ? ToolPromptSource.None : request.ToolBlock is null ? ToolPromptSource.Template : ToolPromptSource.FamilyFallback;
        string generationPrompt = Options.AddGenerationPrompt ? GenerationPrompt(template, caps, request, text) : "";
        if (request.Splice.Count == 0 && request.ToolBlock is null)
        {
            // Nothing to splice in: the rendered text is the prompt (no second copy of it).
            return new ChatPrompt(rendered, text, generationPrompt, source, Template is null);
        }

        var segments = request.Splice.Apply(rendered, out bool[] placed);
        if (request.ToolBlock is { } block && (request.ToolBlockIndex < 0 || !placed[request.ToolBlockIndex]))
        {
            // Kimi declares tools before everything; elsewhere the template dropped the text that carried the block.
            segments.InsertRange(0, block);
        }

        return new ChatPrompt(segments, generationPrompt, source, Template is null);
    }

    /// <summary>Tests only: the variables of the render <see cref="Render"/> makes (with placeholders for the blocks the
    /// renderer writes itself).</summary>
    internal JsonObject PrepareVariables(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null)
    {
        var caps = EffectiveTemplate.GetCapabilities(Options);
        return Prepare(caps, messages, chatOptions, Template is not null && caps.RendersTools != false).Variables;
    }

    private sealed record Request(JsonObject Variables, PromptSplice Splice, JsonArray? Tools, List<TemplateSegment>? ToolBlock, int ToolBlockIndex);

    private Request Prepare(TemplateCapabilities caps, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, bool rendersTools)
    {
        var mapped = ChatTemplateInputs.MapMessages(messages);
        var tools = ChatTemplateInputs.MapTools(chatOptions?.Tools);
        var splice = new PromptSplice();
        ConversationShaper.Apply(mapped, caps, Family, splice);

        List<TemplateSegment>? block = null;
        int blockIndex = -1;
        if (tools is not null && !rendersTools)
        {
            (block, blockIndex) = PlaceToolBlock(mapped, tools, caps, splice);
        }

        var variables = new JsonObject { ["messages"] = mapped, ["tools"] = tools };
        ChatTemplateInputs.AddKeywordArguments(variables, Options);
        return new Request(variables, splice, tools, block, blockIndex);
    }

    /// <summary>Puts a placeholder for the family's tool block where the family expects it; -1 when the block goes
    /// at the start of the prompt.</summary>
    private (List<TemplateSegment> Block, int Index) PlaceToolBlock(JsonArray messages, JsonArray tools, TemplateCapabilities caps, PromptSplice splice)
    {
        var block = FamilyPrompts.ToolBlock(Family, tools);
        var placement = FamilyPrompts.PlacementFor(Family);
        if (placement == FamilyPrompts.Placement.PromptStart)
        {
            return (block, -1);
        }

        if (placement == FamilyPrompts.Placement.SystemMessage && !caps.SupportsSystem)
        {
            placement = FamilyPrompts.Placement.FirstUserMessage;
        }

        if (placement == FamilyPrompts.Placement.SystemMessage)
        {
            string placeholder = splice.Add(block);
            if (messages.Count > 0 && ConversationShaper.Role(messages[0]) == "system" && messages[0]!["content"] is JsonValue)
            {
                string content = messages[0]!["content"]!.GetValue<string>();
                messages[0]!["content"] = content.Length == 0 ? placeholder
                    : FamilyPrompts.ToolsBeforeSystemText(Family) ? placeholder + "\n\n" + content : content + "\n\n" + placeholder;
            }
            else
            {
                messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = placeholder });
            }

            return (block, splice.Count - 1);
        }

        var users = messages.OfType<JsonObject>().Where(m => ConversationShaper.Role(m) == "user" && m["content"] is JsonValue).ToList();
        var target = placement == FamilyPrompts.Placement.FirstUserMessage ? users.FirstOrDefault() : users.LastOrDefault();
        if (target is null)
        {
            target = new JsonObject { ["role"] = "user", ["content"] = "" };
            messages.Add((JsonNode)target);
        }

        string text = target["content"]!.GetValue<string>();
        if (placement == FamilyPrompts.Placement.FirstUserMessage && text.Length > 0 && !block[^1].Text.EndsWith("\n\n", StringComparison.Ordinal))
        {
            // The block and the user's text are separate paragraphs (Llama's block already ends with a blank line).
            block.Add(new TemplateSegment("\n\n", false));
        }

        target["content"] = splice.Add(block, placement == FamilyPrompts.Placement.BeforeLastUserTurn ? "[INST]" : null) + text;
        return (block, splice.Count - 1);
    }

    private bool RendersTools(ChatTemplate template, JsonObject variables, string withTools)
    {
        var without = variables.DeepClone().AsObject();
        without["tools"] = null;
        try
        {
            return template.Render(without, Options) != withTools;
        }
        catch (TemplateException)
        {
            // The template cannot render without tools (e.g. Hermes 2 Pro's tool_use template iterates them),
            // so it certainly uses them.
            return true;
        }
    }

    /// <summary>The suffix the generation prompt adds (as llama.cpp computes it): learned per last role where the
    /// probes agreed and the prompt ends with it; otherwise from a second render without the generation prompt.</summary>
    private string GenerationPrompt(ChatTemplate template, TemplateCapabilities caps, Request request, string full)
    {
        var messages = request.Variables["messages"]!.AsArray();
        string role = messages.Count > 0 ? ConversationShaper.Role(messages[^1]) ?? "" : "";
        if (UseLearnedCapabilities && caps.GenerationPrompts.TryGetValue(role, out var learned) && full.EndsWith(learned, StringComparison.Ordinal))
        {
            return learned;
        }

        var withoutPrompt = request.Variables.DeepClone().AsObject();
        withoutPrompt["add_generation_prompt"] = false;
        try
        {
            string head = template.Render(withoutPrompt, Options);
            return full.StartsWith(head, StringComparison.Ordinal) ? full[head.Length..] : "";
        }
        catch (TemplateException)
        {
            // A template that only renders with a generation prompt: the prefill is unknown.
            return "";
        }
    }
}
