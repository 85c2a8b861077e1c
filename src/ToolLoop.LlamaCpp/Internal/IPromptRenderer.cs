using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Turns a conversation and its declared tools into the prompt the model was trained on.</summary>
internal interface IPromptRenderer
{
    RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, IReadOnlyList<AIFunctionDeclaration> tools);
}
