using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>Approves every call and says so (<c>--yes</c>, or <c>demo</c> without a terminal).</summary>
internal sealed class AutomaticApprover(TextWriter output, string why) : IApprover
{
    public async ValueTask<(bool Approved, string? Reason)> AskAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"  ? approve {ChatPrinter.Describe(call)}: yes ({why})").ConfigureAwait(false);
        return (true, null);
    }
}
