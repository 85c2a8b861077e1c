using Microsoft.Extensions.AI;
using ToolLoop.LocalModels;

namespace ToolLoop.Onnx.Internal;

/// <summary>
/// Renders with the model's template through ToolLoop's engine, choosing the <c>tool_use</c> template of a
/// template list when tools are declared (as Hugging Face's <c>apply_chat_template</c> does), and turns a
/// template failure into an <see cref="OnnxGenAIException"/> that says what to do.
/// </summary>
internal sealed class GenAIPromptRenderer : IPromptRenderer
{
    private readonly TemplatePromptRenderer _default;
    private readonly TemplatePromptRenderer? _toolUse;

    public GenAIPromptRenderer(TemplatePromptRenderer defaultRenderer, TemplatePromptRenderer? toolUseRenderer)
    {
        _default = defaultRenderer;
        _toolUse = toolUseRenderer;
    }

    /// <summary>Parses a template; a template outside ToolLoop's Jinja subset is an <see cref="OnnxGenAIException"/>.</summary>
    public static ChatTemplate? Parse(string? template, string source)
    {
        if (string.IsNullOrEmpty(template))
        {
            return null;
        }

        try
        {
            return ChatTemplate.Parse(template);
        }
        catch (TemplateException ex)
        {
            throw new OnnxGenAIException(
                $"The chat template from {source} does not parse: {ex.Message} Set OnnxGenAIChatClientOptions.ChatTemplate to a corrected template.",
                OnnxGenAIErrorKind.ChatTemplate,
                ex);
        }
    }

    public RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        TemplatePromptRenderer renderer = _toolUse is not null && options?.Tools is { Count: > 0 } ? _toolUse : _default;
        try
        {
            return renderer.Render(messages, options);
        }
        catch (TemplateException ex)
        {
            throw new OnnxGenAIException(
                $"The chat template failed on this conversation: {ex.Message} The template may reject the message order or roles it was given (for example two user turns in a row or a system message it does not support); adjust the conversation, or set OnnxGenAIChatClientOptions.ChatTemplate.",
                OnnxGenAIErrorKind.ChatTemplate,
                ex);
        }
    }
}
