using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>How one turn ended: the loop's stop reason, the answer's text, and the tool results of the turn.</summary>
internal sealed record TurnOutcome(string? StopReason, string Text, IReadOnlyList<FunctionResultContent> Results, int Approved, int Rejected, bool Cancelled);
