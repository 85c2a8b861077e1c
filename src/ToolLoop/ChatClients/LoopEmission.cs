using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// One step of output of a <see cref="ToolLoopRun"/>: an inner streaming update, the messages of an inner
/// non-streaming response, or one content the loop adds to a message of its own.
/// </summary>
internal readonly record struct LoopEmission(ChatResponseUpdate? Update, IList<ChatMessage>? Messages, ChatRole Role, string? MessageId, AIContent? Content)
{
    public static LoopEmission ForUpdate(ChatResponseUpdate update) => new(update, null, default, null, null);

    public static LoopEmission ForMessages(IList<ChatMessage> messages) => new(null, messages, default, null, null);

    public static LoopEmission ForContent(ChatRole role, string messageId, AIContent content) => new(null, null, role, messageId, content);
}
