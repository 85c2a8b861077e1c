using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// Asks a person per call: <c>y</c> approves; <c>n</c> rejects, and any words after it are the reason the model is
/// told (<c>n not that file</c>); an empty answer or the end of input rejects.
/// </summary>
internal sealed class ConsoleApprover(TextWriter output, LineReader input) : IApprover
{
    public async ValueTask<(bool Approved, string? Reason)> AskAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        while (true)
        {
            await output.WriteAsync($"  ? approve {ChatPrinter.Describe(call)}? [y/N, or n REASON] ").ConfigureAwait(false);
            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                return (false, "the user closed the input without answering");
            }

            var answer = line.Trim();
            var space = answer.IndexOf(' ', StringComparison.Ordinal);
            var word = (space < 0 ? answer : answer[..space]).ToLowerInvariant();
            var reason = space < 0 ? null : answer[(space + 1)..].Trim();
            switch (word)
            {
                case "y" or "yes":
                    return (true, null);
                case "" or "n" or "no":
                    return (false, string.IsNullOrEmpty(reason) ? null : reason);
                default:
                    await output.WriteLineAsync("    answer y (run it) or n (do not run it), optionally followed by a reason").ConfigureAwait(false);
                    break;
            }
        }
    }
}
