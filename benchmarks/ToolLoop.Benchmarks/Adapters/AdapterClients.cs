using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp;
using ToolLoop.Onnx;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>What the adapter benchmarks read from either runtime's chat client: its token counts and how it renders.</summary>
internal static class AdapterClients
{
    /// <summary>The client's token counts of its last request, and its running total.</summary>
    public static ClientTokens Tokens(IChatClient client) => client switch
    {
        LlamaCppChatClient llama when llama.Statistics is var s => new(s.PromptTokens, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded),
        OnnxGenAIChatClient onnx when onnx.Statistics is var s => new(s.PromptTokens, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded),
        _ => throw new ArgumentException($"{client.GetType().Name} is not a ToolLoop adapter.", nameof(client)),
    };

    /// <summary>A renderer with the client's template and family, as the client renders (for the baseline's prompt text and the render-only figure).</summary>
    public static ChatTemplateRenderer Renderer(IChatClient client)
    {
        (string? template, ToolCallFormat format) = client switch
        {
            LlamaCppChatClient llama => (llama.ChatTemplate, llama.ToolCallFormat),
            OnnxGenAIChatClient onnx => (onnx.ChatTemplate, onnx.ToolCallFormat),
            _ => throw new ArgumentException($"{client.GetType().Name} is not a ToolLoop adapter.", nameof(client)),
        };
        return new ChatTemplateRenderer(template is null ? null : ChatTemplate.Parse(template), format);
    }
}
