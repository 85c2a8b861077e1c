using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>Answers the loop's approval requests, one call at a time.</summary>
internal interface IApprover
{
    /// <summary>Approves or rejects one call; a rejection may carry a reason for the model.</summary>
    ValueTask<(bool Approved, string? Reason)> AskAsync(FunctionCallContent call, CancellationToken cancellationToken);
}
