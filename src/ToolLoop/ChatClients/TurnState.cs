using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>What one model call produced, as the loop sees it. One instance serves every round of a request (<see cref="Reset"/>).</summary>
internal sealed class TurnState
{
    public List<ChatResponseUpdate> Updates { get; } = [];

    public List<ChatMessage> Messages { get; } = [];

    public List<PreparedCall> Calls { get; } = [];

    /// <summary>Tool-call markup the parsing client could not read and that names no tool (feature 30); <see langword="null"/> when none.</summary>
    public List<ErrorContent>? Unreadable { get; set; }

    public ChatFinishReason? FinishReason { get; set; }

    public string? ConversationId { get; set; }

    public string? ModelId { get; set; }

    public string? ResponseId { get; set; }

    public string? LastMessageId { get; set; }

    public ChatRole? LastRole { get; set; }

    public void Reset()
    {
        Updates.Clear();
        Messages.Clear();
        Calls.Clear();
        Unreadable = null;
        FinishReason = null;
        ConversationId = null;
        ModelId = null;
        ResponseId = null;
        LastMessageId = null;
        LastRole = null;
    }
}
