using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>Turns a conversation and its declared tools into the prompt the model was trained on.</summary>
internal interface IPromptRenderer
{
    /// <summary>Renders <paramref name="messages"/>; the tools to declare are <paramref name="options"/>' <see cref="ChatOptions.Tools"/>.</summary>
    RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, ChatOptions? options);
}
