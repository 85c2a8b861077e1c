using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>
/// Renders prompts with ToolLoop's template engine (<see cref="ChatTemplateRenderer"/>): the model's own Jinja
/// template with the declared tools, the family's tool block when the template ignores tools, or the family's
/// default framing when there is no template. Segments keep the framing/data split for tokenization.
/// </summary>
internal sealed class TemplatePromptRenderer : IPromptRenderer
{
    private readonly ChatTemplateRenderer _renderer;

    public TemplatePromptRenderer(ChatTemplate? template, ToolCallFormat family, ChatTemplateOptions options)
    {
        _renderer = new ChatTemplateRenderer(template, family, options);
    }

    /// <summary>Whether the model's template is used (false: the family's default framing).</summary>
    public bool HasTemplate => _renderer.Template is not null;

    public RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        ChatPrompt prompt = _renderer.Render(messages, options);
        return new RenderedPrompt(prompt.Segments, prompt.GenerationPrompt);
    }
}
