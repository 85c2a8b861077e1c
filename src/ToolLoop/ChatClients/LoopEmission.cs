using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// One step of output of a <see cref="ToolLoopRun"/>: an inner streaming update, the messages of an inner
/// non-streaming response, a whole message of the loop's own, or one content the loop adds to a message of its own.
/// </summary>
internal readonly record struct LoopEmission(ChatResponseUpdate? Update, IList<ChatMessage>? Messages, ChatMessage? Message, ChatRole Role, string? MessageId, AIContent? Content)
{
    public static LoopEmission ForUpdate(ChatResponseUpdate update) => new(update, null, null, default, null, null);

    public static LoopEmission ForMessages(IList<ChatMessage> messages) => new(null, messages, null, default, null, null);

    public static LoopEmission ForMessage(ChatMessage message) => new(null, null, message, default, null, null);

    public static LoopEmission ForContent(ChatRole role, string messageId, AIContent content) => new(null, null, null, role, messageId, content);
}
