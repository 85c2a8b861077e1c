using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// One conversation with a loop-wrapped client: sends the history, streams the reply through a <see cref="ChatPrinter"/>,
/// answers approval requests with an <see cref="IApprover"/> and sends the answers back, until the loop finishes the turn.
/// </summary>
/// <remarks>A cancelled turn is taken out of the history again, so the conversation stays well-formed for the next one.</remarks>
internal sealed class ChatSession
{
    private readonly IChatClient _agent;
    private readonly ChatOptions _options;
    private readonly ChatPrinter _printer;
    private readonly IApprover _approver;
    private readonly List<ChatMessage> _history = [];
    private readonly string? _systemPrompt;

    public ChatSession(IChatClient agent, ChatOptions options, ChatPrinter printer, IApprover approver, string? systemPrompt)
    {
        _agent = agent;
        _options = options;
        _printer = printer;
        _approver = approver;
        _systemPrompt = systemPrompt;
        Reset();
    }

    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>Forgets the conversation (the system prompt stays).</summary>
    public void Reset()
    {
        _history.Clear();
        if (!string.IsNullOrEmpty(_systemPrompt))
        {
            _history.Add(new ChatMessage(ChatRole.System, _systemPrompt));
        }
    }

    public async Task<TurnOutcome> RunTurnAsync(string userText, CancellationToken cancellationToken)
    {
        var mark = _history.Count;
        _history.Add(new ChatMessage(ChatRole.User, userText));
        var results = new List<FunctionResultContent>();
        int approved = 0, rejected = 0;
        try
        {
            while (true)
            {
                var updates = new List<ChatResponseUpdate>();
                await foreach (var update in _agent.GetStreamingResponseAsync(_history, _options, cancellationToken).ConfigureAwait(false))
                {
                    updates.Add(update);
                    results.AddRange(update.Contents.OfType<FunctionResultContent>());
                    await _printer.PrintAsync(update).ConfigureAwait(false);
                }

                var response = updates.ToChatResponse();
                var stopReason = response.AdditionalProperties?.TryGetValue(ToolLoopPropertyNames.StopReason, out var reason) == true ? reason as string : null;
                if (stopReason == ToolLoopStopReasons.Cancelled && cancellationToken.IsCancellationRequested)
                {
                    // The loop ends a cancelled request with a response instead of an exception; the turn is dropped either way.
                    return await CancelAsync(mark, results, approved, rejected).ConfigureAwait(false);
                }

                _history.AddRange(response.Messages);
                var requests = response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList();
                await _printer.EndTurnAsync(stopReason).ConfigureAwait(false);
                if (requests.Count == 0)
                {
                    return new TurnOutcome(stopReason, response.Messages.LastOrDefault(m => m.Role == ChatRole.Assistant)?.Text ?? string.Empty, results, approved, rejected, Cancelled: false);
                }

                // The loop is stateless: the answers go into the history, and the next request runs (or refuses) the calls.
                var answers = new List<AIContent>();
                foreach (var request in requests)
                {
                    var call = (FunctionCallContent)request.ToolCall;
                    var (ok, why) = await _approver.AskAsync(call, cancellationToken).ConfigureAwait(false);
                    answers.Add(request.CreateResponse(ok, why));
                    _ = ok ? approved++ : rejected++;
                    if (!ok)
                    {
                        await _printer.LineAsync("  ✗ rejected" + (why is null ? string.Empty : ": " + why)).ConfigureAwait(false);
                    }
                }

                _history.Add(new ChatMessage(ChatRole.User, answers));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await CancelAsync(mark, results, approved, rejected).ConfigureAwait(false);
        }
    }

    private async Task<TurnOutcome> CancelAsync(int mark, List<FunctionResultContent> results, int approved, int rejected)
    {
        _history.RemoveRange(mark, _history.Count - mark);
        await _printer.LineAsync("  [turn cancelled]").ConfigureAwait(false);
        return new TurnOutcome(ToolLoopStopReasons.Cancelled, string.Empty, results, approved, rejected, Cancelled: true);
    }
}
