using Microsoft.Extensions.AI;

namespace ToolLoop.Tests;

/// <summary>What a <see cref="ScriptedChatClient"/> was sent: a snapshot of the messages and options.</summary>
public sealed class ScriptedRequest(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool streaming)
{
    public IReadOnlyList<ChatMessage> Messages { get; } = messages;

    public ChatOptions? Options { get; } = options;

    public bool Streaming { get; } = streaming;

    public IReadOnlyList<string> ToolNames => Options?.Tools?.Select(t => t.Name).ToList() ?? [];
}
