using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>
/// One request through a <see cref="ToolLoopChatClient"/>. The same code runs streaming and non-streaming. The round
/// is a sequence of named steps, each marked with the numbers of the behaviours it implements in the catalogue
/// (<c>loop-features.md</c>, F1–F42): collect the calls (<see cref="CallModelAsync"/>, or streaming
/// <see cref="BeginStreamAsync"/> → <see cref="OpenStream"/> → <see cref="CloseStreamAsync"/> → <see cref="EndStream"/>) → <see cref="Answer"/>, or classify (<see cref="Classify"/>) → approve
/// (approval requests stand in their calls' place) → execute (<see cref="RoundExecutor"/>) → record
/// (<see cref="Record"/>, <see cref="EndRecord"/>) → decide (<see cref="DecideAsync"/>).
/// <see cref="ReplayApprovalsAsync"/> runs before the first round and <see cref="Finish"/> after the last. Per-call work
/// is in <see cref="ToolInvoker"/>, per-call checks in <see cref="CallPreparer"/>, history rules in
/// <see cref="ToolLoopHistory"/>, the loop's words to the model in <see cref="ToolLoopNotices"/>.
/// </summary>
internal sealed class ToolLoopRun
{
    private const string ModelFailedResult = "Not run: the model's response failed before it was complete.";

    private static readonly string s_processPrefix = "toolloop_" + Guid.NewGuid().ToString("N")[..12] + "_";
    private static long s_runs;

    private readonly IChatClient _inner;
    private readonly ToolLoopOptions _options;
    private readonly ILogger _logger;
    private readonly ToolLoopTelemetry _telemetry;
    private readonly IEnumerable<ChatMessage> _messages;
    private readonly ChatOptions? _forwardOptions;
    private readonly bool _streaming;
    private readonly CallPreparer _preparer;
    private readonly ChatOptions? _chatOptions;
    private readonly CallIdAllocator _ids = new();
    private readonly List<PreparedCall> _executed = [];
    private readonly TurnState _turn = new();
    private readonly List<ChatMessage>? _output;
    private List<AIContent> _modelResults = null!; // set by BeginRecord before each round's results
    private List<AIContent>? _callerResults;
    private string? _roundMessageId;
    private string? _idPrefix;
    private int _idCount;
    private List<ChatMessage> _outgoing = null!; // the prepared history, set first thing in RunAsync
    private Activity? _orchestrate;
    private string? _stop;
    private string? _pendingStop;
    private bool _finalRound;
    private bool _callLimitHit;
    private int _rounds;
    private int _reprompts;
    private int _overflowRetries;
    private int _totalCalls;
    private int _consecutiveDuplicates;
    private int _consecutiveErrors;
    private string? _conversationId;
    private int _sentUpTo;
    private Exception? _failure;
    private string? _lastMessageId;
    private ChatRole? _lastRole;
    private bool _lastHasText;
    private List<string>? _waitingFor;
    private IList<ChatMessage> _toSend = null!;
    private Exception? _streamError;
    private ToolLoopSettings _settings = null!; // the rest is set by Start, as RunAsync begins
    private RoundExecutor _executor = null!;

    /// <summary>
    /// Sets up a run; nothing here throws. What can fail on the caller's input (a <see langword="null"/>
    /// <paramref name="messages"/>, a malformed per-request setting) fails when <see cref="RunAsync"/> starts, so a
    /// stream raises it when enumerated, as an async iterator does.
    /// </summary>
    public ToolLoopRun(IChatClient inner, ToolLoopOptions options, ILogger logger, ToolLoopTelemetry telemetry, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, bool streaming)
    {
        _inner = inner;
        _options = options;
        _chatOptions = chatOptions;
        _logger = logger;
        _telemetry = telemetry;
        _messages = messages;
        _forwardOptions = ToolLoopSettings.StripOwnKeys(chatOptions);
        _streaming = streaming;
        _preparer = new CallPreparer(options, chatOptions?.Tools);
        _conversationId = chatOptions?.ConversationId;
        _output = streaming ? null : new List<ChatMessage>(16);
    }

    /// <summary>Non-streaming: the response's messages, built as the run goes (<see cref="RunAsync"/> then yields nothing).</summary>
    public List<ChatMessage> Output => _output ?? throw new InvalidOperationException("A streaming run yields its output.");

    public string StopReason => _stop ?? ToolLoopStopReasons.Completed;

    public int Iterations { get; private set; }

    public UsageDetails? Usage { get; private set; }

    public string? ModelId { get; private set; }

    public string? ResponseId { get; private set; }

    public string? ConversationId => _conversationId;

    public ChatFinishReason FinishReason => StopReason switch
    {
        ToolLoopStopReasons.ApprovalPending or ToolLoopStopReasons.CallsReturned => ChatFinishReason.ToolCalls,
        ToolLoopStopReasons.Truncated => ChatFinishReason.Length,
        _ => ChatFinishReason.Stop,
    };

    /// <summary>
    /// Runs the request. Streaming, this iterator is the caller's stream itself (no layer of its own per update): the
    /// inner updates, the loop's own contents, and last the update with the stop reason. Non-streaming, it yields
    /// nothing and builds <see cref="Output"/>.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Start();
        var orchestrate = _telemetry.StartOrchestrate();
        _orchestrate = orchestrate;
        var started = _telemetry.StartTimestamp();
        try
        {
            // F22–F26: the caller's history as the model must see it; answered approvals collected.
            var history = ToolLoopHistory.Prepare(_messages, _options.ReasoningCarry, _ids, _settings.MaximumToolResultLength, serviceManaged: _conversationId is not null);
            _outgoing = history.Messages;
            if (history.Approvals.Count > 0)
            {
                await foreach (var e in ReplayApprovalsAsync(history.Approvals, cancellationToken).ConfigureAwait(false))
                {
                    if (Emit(e))
                    {
                        yield return ToUpdate(e);
                    }
                }
            }

            _finalRound = _settings.MaximumIterations <= 0; // F6
            while (_stop is null)
            {
                // Collect the calls (F1–F4, F29, F34, F37).
                var turn = _turn;
                turn.Reset();
                if (_streaming)
                {
                    // Streaming (F3, F4, F29, F34, F37): the updates pass through as they come. Written out here
                    // rather than as an iterator of its own, so that a round costs no state machine.
                    var options = await BeginStreamAsync(cancellationToken).ConfigureAwait(false);
                    while (_streamError is null)
                    {
                        var yielded = false;
                        var updates = OpenStream(options, cancellationToken);
                        while (updates is not null)
                        {
                            bool more;
                            try
                            {
                                more = await updates.MoveNextAsync().ConfigureAwait(false);
                            }
#pragma warning disable CA1031 // Caught to close the turn; rethrown below.
                            catch (Exception ex)
#pragma warning restore CA1031
                            {
                                _streamError = ex;
                                break;
                            }

                            if (!more)
                            {
                                break;
                            }

                            if (TransformUpdate(updates.Current, turn) is { } update)
                            {
                                yielded = true;
                                yield return update;
                            }
                        }

                        if (!await CloseStreamAsync(updates, turn, yielded, cancellationToken).ConfigureAwait(false))
                        {
                            break;
                        }
                    }

                    if (_stop is null && EndStream(turn, cancellationToken) is { } closing)
                    {
                        foreach (var e in closing)
                        {
                            yield return ToUpdate(e);
                        }

                        if (_streamError is { } failed)
                        {
                            ExceptionDispatchInfo.Throw(failed);
                        }
                    }
                }
                else if (await CallModelAsync(turn, cancellationToken).ConfigureAwait(false) is { Count: > 0 } messages)
                {
                    Collect(LoopEmission.ForMessages(messages));
                }

                if (_stop is not null)
                {
                    break;
                }

                if (_finalRound || (turn.Calls.Count == 0 && turn.Unreadable is null))
                {
                    foreach (var e in Answer(turn))
                    {
                        if (Emit(e))
                        {
                            yield return ToUpdate(e);
                        }
                    }

                    continue;
                }

                // Classify (F9, F13, F15–F17, F31, F40); approval requests already stand in their calls' place (F21).
                if (!Classify(turn))
                {
                    continue;
                }

                // Execute and record, each result as its tool returns (F18–F20, F29, F35, F36).
                _executor.Start(turn.Calls, Iterations + 1, _settings.AllowConcurrentInvocation, _orchestrate, cancellationToken);
                BeginRecord();
                while (await _executor.NextAsync(cancellationToken).ConfigureAwait(false) is { } result)
                {
                    if (Record(result) is { } e)
                    {
                        if (Emit(e))
                        {
                            yield return ToUpdate(e);
                        }
                    }
                }

                if (EndRecord(turn) is { } recorded)
                {
                    if (Emit(recorded))
                    {
                        yield return ToUpdate(recorded);
                    }
                }

                // Decide (F5, F6, F11, F15, F17, F19–F21, F33).
                await DecideAsync(turn, cancellationToken).ConfigureAwait(false);
            }

            foreach (var e in Finish())
            {
                if (Emit(e))
                {
                    yield return ToUpdate(e);
                }
            }
        }
        finally
        {
            var errorType = _failure?.GetType().FullName ?? (_stop is null ? "_OTHER" : null);
            if (orchestrate is not null)
            {
                orchestrate.SetTag(ToolLoopTelemetry.StopReason, StopReason);
                orchestrate.SetTag(ToolLoopTelemetry.Iterations, Iterations);
                if (orchestrate.IsAllDataRequested && Usage is { } usage)
                {
                    if (usage.InputTokenCount is { } input)
                    {
                        orchestrate.SetTag(ToolLoopTelemetry.InputTokens, (int)input);
                    }

                    if (usage.OutputTokenCount is { } output)
                    {
                        orchestrate.SetTag(ToolLoopTelemetry.OutputTokens, (int)output);
                    }
                }

                if (errorType is not null)
                {
                    orchestrate.SetTag(ToolLoopTelemetry.ErrorType, errorType);
                    orchestrate.SetStatus(ActivityStatusCode.Error, _failure?.Message);
                }
            }

            _telemetry.RecordOrchestrateDuration(started, StopReason, errorType);
            orchestrate?.Dispose();
        }

        // After the span ended, as the caller's last update (F8, F28: the stop reason, the summed usage).
        if (_streaming)
        {
            var final = new ChatResponseUpdate
            {
                ConversationId = ConversationId,
                FinishReason = FinishReason,
                ModelId = ModelId,
                ResponseId = ResponseId,
                AdditionalProperties = StopProperties(),
            };
            if (Usage is { } usage)
            {
                final.Contents.Add(new UsageContent(usage));
            }

            yield return final;
        }
    }

    /// <summary>The response's stop properties (<see cref="ToolLoopPropertyNames.StopReason"/>, <see cref="ToolLoopPropertyNames.Iterations"/>).</summary>
    public AdditionalPropertiesDictionary StopProperties() => new()
    {
        [ToolLoopPropertyNames.StopReason] = StopReason,
        [ToolLoopPropertyNames.Iterations] = Iterations,
    };

    /// <summary>What the caller's input can make fail: checked as the run starts (see the constructor).</summary>
    private void Start()
    {
        ArgumentNullException.ThrowIfNull(_messages, "messages");
        _settings = ToolLoopSettings.Create(_options, _chatOptions);
        _executor = new RoundExecutor(new ToolInvoker(_options, _settings, _logger, _telemetry, _streaming), _options, _logger, _executed);
    }

    /// <summary>Streaming: an emission as the update the caller gets (a content of the loop's own becomes an update of its message).</summary>
    private static ChatResponseUpdate ToUpdate(in LoopEmission emission)
        => emission.Update ?? new ChatResponseUpdate(emission.Role, [emission.Content!]) { MessageId = emission.MessageId };

    /// <summary>
    /// Calls the model once, non-streaming (F1, F2, F21: each call is prepared as it arrives), and retries after a
    /// context overflow with a reduced history (F37). Returns the response's messages; <see langword="null"/> when the
    /// loop stopped (cancelled, or the history cannot fit). Any other failure of the inner client is raised: the
    /// caller has seen nothing of this response.
    /// </summary>
    private async ValueTask<List<ChatMessage>?> CallModelAsync(TurnState turn, CancellationToken cancellationToken)
    {
        var options = TurnOptions();
        IList<ChatMessage> toSend;
        try
        {
            toSend = await MessagesToSendAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _stop = ToolLoopStopReasons.Cancelled;
            return null;
        }

        while (true)
        {
            if (_orchestrate is not null)
            {
                Activity.Current = _orchestrate;
            }

            ChatResponse response;
            try
            {
                response = await _inner.GetResponseAsync(toSend, options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _stop = ToolLoopStopReasons.Cancelled;
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && IsContextOverflow(ex))
            {
                if (await ReduceAfterOverflowAsync(toSend, ex, cancellationToken).ConfigureAwait(false) is not { } reduced)
                {
                    _stop = ToolLoopStopReasons.ContextOverflow;
                    return null;
                }

                toSend = reduced;
                continue;
            }
            catch (Exception ex)
            {
                _failure = ex;
                throw;
            }

            TransformResponse(response, turn);
            AddTurn(turn);
            return turn.Messages;
        }
    }

    /// <summary>
    /// Streaming, step 1 (F26, F40): the options and messages of the model call. A cancellation while the history is
    /// reduced becomes the stream's error, so the turn is closed as for any other cancellation.
    /// </summary>
    private ValueTask<ChatOptions?> BeginStreamAsync(CancellationToken cancellationToken)
    {
        var options = TurnOptions();
        _streamError = null;
        _toSend = _outgoing;
        var pending = MessagesToSendAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            // Without a reducer the history is at hand: no async step.
            _toSend = pending.Result;
            return new(options);
        }

        return AwaitMessagesAsync(pending, options, cancellationToken);
    }

    private async ValueTask<ChatOptions?> AwaitMessagesAsync(ValueTask<IList<ChatMessage>> pending, ChatOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            _toSend = await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            _streamError = ex;
        }

        return options;
    }

    /// <summary>Streaming, step 2: starts the model's stream under the loop's span; <see langword="null"/> (and the error recorded) when the inner client throws at once.</summary>
    private IAsyncEnumerator<ChatResponseUpdate>? OpenStream(ChatOptions? options, CancellationToken cancellationToken)
    {
        if (_orchestrate is not null)
        {
            // An async iterator does not keep Activity.Current across yields; the model call belongs under this span.
            Activity.Current = _orchestrate;
        }

        try
        {
            return _inner.GetStreamingResponseAsync(_toSend, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
#pragma warning disable CA1031 // Caught to close the turn; rethrown by RunAsync.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _streamError = ex;
            return null;
        }
    }

    /// <summary>
    /// Streaming, step 3: releases the stream and collects what it said; after a context overflow with nothing shown
    /// to the caller yet, reduces the history (F37) and returns <see langword="true"/> to make the call again. When
    /// the history cannot get shorter the loop stops (<see cref="ToolLoopStopReasons.ContextOverflow"/>).
    /// </summary>
    private ValueTask<bool> CloseStreamAsync(IAsyncEnumerator<ChatResponseUpdate>? updates, TurnState turn, bool yielded, CancellationToken cancellationToken)
    {
        if (updates is not null)
        {
            ValueTask disposing;
            try
            {
                disposing = updates.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                disposing = default;
            }

            if (!disposing.IsCompletedSuccessfully)
            {
                return DisposeThenCloseAsync(disposing, turn, yielded, cancellationToken);
            }

            // A stream that released itself at once (most do) costs no async step.
            disposing.GetAwaiter().GetResult();
        }

        return CloseStream(turn, yielded, cancellationToken);
    }

    private async ValueTask<bool> DisposeThenCloseAsync(ValueTask disposing, TurnState turn, bool yielded, CancellationToken cancellationToken)
    {
        try
        {
            await disposing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The inner stream was cancelled by the caller's token; nothing more to release.
        }

        return await CloseStream(turn, yielded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Collects what the stream said; after a context overflow with nothing shown yet, reduces the history (F37).</summary>
    private ValueTask<bool> CloseStream(TurnState turn, bool yielded, CancellationToken cancellationToken)
    {
        CollectStreamedTurn(turn);
        var error = _streamError;
        if (error is null || yielded || error is OperationCanceledException || !IsContextOverflow(error))
        {
            return new(false);
        }

        return RetryAfterOverflowAsync(error, cancellationToken);
    }

    private async ValueTask<bool> RetryAfterOverflowAsync(Exception error, CancellationToken cancellationToken)
    {
        if (await ReduceAfterOverflowAsync(_toSend, error, cancellationToken).ConfigureAwait(false) is not { } reduced)
        {
            _stop = ToolLoopStopReasons.ContextOverflow;
            return false;
        }

        _toSend = reduced;
        _streamError = null;
        return true;
    }

    /// <summary>
    /// Streaming: the turn's messages, coalesced from its updates. An answer that ends the run (no calls, no re-prompt
    /// possible) is not coalesced, as FICC does not coalesce its last round: only its last message's id, role and
    /// whether it has text are read (for F7), exactly as <c>ToChatResponse</c> would split the messages.
    /// </summary>
    private void CollectStreamedTurn(TurnState turn)
    {
        var updates = turn.Updates;
        if (updates.Count == 0)
        {
            return;
        }

        if (_streamError is null && turn.Calls.Count == 0 && turn.Unreadable is null && !CanReprompt && ReadLastMessage(updates))
        {
            return;
        }

        turn.Messages.AddRange(updates.ToChatResponse().Messages);
    }

    /// <summary>
    /// Sets what <see cref="AddTurn"/> would read from the last of the messages <paramref name="updates"/> make. Every
    /// update the loop passed on has an id and a role, so that message is the run of trailing updates with the last
    /// one's id and role; an author name can split messages too, so with one this returns <see langword="false"/>.
    /// </summary>
    private bool ReadLastMessage(List<ChatResponseUpdate> updates)
    {
        var last = updates[^1];
        var hasText = false;
        for (var i = updates.Count - 1; i >= 0; i--)
        {
            var update = updates[i];
            if (update.MessageId != last.MessageId || update.Role != last.Role)
            {
                break;
            }

            if (update.AuthorName is not null)
            {
                return false;
            }

            hasText = hasText || HasText(update.Contents);
        }

        (_lastMessageId, _lastRole, _lastHasText) = (last.MessageId, last.Role, hasText);
        return true;
    }

    /// <summary>
    /// Streaming, step 4: records the turn; when the stream failed or was cancelled, leaves a result for every call the
    /// caller saw (F20, F34) and returns those results, <see langword="null"/> otherwise. A failure stays in
    /// <see cref="_streamError"/> for RunAsync to rethrow once the results are out; a cancellation stops the loop.
    /// </summary>
    private List<LoopEmission>? EndStream(TurnState turn, CancellationToken cancellationToken)
    {
        AddTurn(turn);
        if (_streamError is not { } error)
        {
            return null;
        }

        var cancelled = error is OperationCanceledException && cancellationToken.IsCancellationRequested;
        var messageId = NewMessageId();
        var results = new List<AIContent>();
        var emissions = new List<LoopEmission>();
        foreach (var pc in turn.Calls)
        {
            if (pc.Kind is not (PreparedCallKind.Approval or PreparedCallKind.Returned))
            {
                var result = new FunctionResultContent(pc.Call.CallId, cancelled ? ToolInvoker.CancelledResult : ModelFailedResult);
                results.Add(result);
                emissions.Add(Track(ChatRole.Tool, messageId, result));
            }
        }

        AddToolMessage(results, messageId);
        if (cancelled)
        {
            _stop = ToolLoopStopReasons.Cancelled;
            _streamError = null;
        }
        else
        {
            _failure = error;
        }

        return emissions;
    }

    /// <summary>
    /// The model answered (F6, F7, F14): calls made in the tool-less final round still get a result; an announced
    /// action without a call is re-prompted when enabled; otherwise the loop stops.
    /// </summary>
    private List<LoopEmission> Answer(TurnState turn)
    {
        var emissions = new List<LoopEmission>();
        if (turn.Calls.Count > 0)
        {
            var messageId = NewMessageId();
            var results = new List<AIContent>(turn.Calls.Count);
            foreach (var pc in turn.Calls)
            {
                var result = new FunctionResultContent(pc.Call.CallId, "Error: " + (pc.Error ?? CallPreparer.NoToolsResult));
                results.Add(result);
                emissions.Add(Track(ChatRole.Tool, messageId, result));
            }

            AddToolMessage(results, messageId);
        }
        else if (CanReprompt
            && (_options.AnnouncementDetector ?? AnnouncementHeuristic.LooksLikeAnnouncement)(TurnText(turn)))
        {
            _reprompts++;
            ToolLoopLog.Reprompting(_logger, _reprompts);
            AddModelNotice(ToolLoopNotices.Reprompt);
            return emissions;
        }

        _stop = _pendingStop ?? (turn.FinishReason == ChatFinishReason.Length ? ToolLoopStopReasons.Truncated : ToolLoopStopReasons.Completed);
        return emissions;
    }

    /// <summary>F14: whether an answer without a call can still be re-prompted.</summary>
    private bool CanReprompt => !_finalRound && _reprompts < _settings.MaximumAnnouncementReprompts && _preparer.HasTools;

    /// <summary>The round's results so far: what the model gets (capped, F36) and, when that differs, what the caller gets.</summary>
    private void BeginRecord()
    {
        _modelResults = new List<AIContent>(_turn.Calls.Count);
        _callerResults = null;
        _roundMessageId = NewMessageId();
    }

    /// <summary>Records one result (F24, F36); streaming, the caller sees it at once (F29).</summary>
    private LoopEmission? Record(FunctionResultContent result)
    {
        var forModel = ToolLoopJson.CapResult(result, _settings.MaximumToolResultLength, _logger);
        if (_callerResults is null && !ReferenceEquals(forModel, result))
        {
            _callerResults = [.. _modelResults];
        }

        _modelResults.Add(forModel);
        _callerResults?.Add(result);
        return _streaming ? Track(ChatRole.Tool, _roundMessageId!, result) : null;
    }

    /// <summary>
    /// Closes the round's tool message (one result per call, right after the calls: F24) and tells the model about
    /// calls that could not be read and named no tool (F30). Non-streaming, the caller gets the message whole.
    /// </summary>
    private LoopEmission? EndRecord(TurnState turn)
    {
        LoopEmission? emission = null;
        if (_modelResults.Count > 0)
        {
            var message = new ChatMessage(ChatRole.Tool, _modelResults) { MessageId = _roundMessageId };
            _outgoing.Add(message);
            if (!_streaming)
            {
                var callers = _callerResults is null ? message : new ChatMessage(ChatRole.Tool, _callerResults) { MessageId = _roundMessageId };
                (_lastMessageId, _lastRole, _lastHasText) = (_roundMessageId, ChatRole.Tool, false);
                emission = LoopEmission.ForMessage(callers);
            }
        }

        if (turn.Unreadable is { } unreadable)
        {
            foreach (var problem in unreadable)
            {
                ToolLoopLog.UnreadableCall(_logger, problem.Message);
            }

            AddModelNotice(ToolLoopNotices.Unreadable(unreadable));
        }

        return emission;
    }

    /// <summary>
    /// After a round (F5, F11, F15, F17, F19–F21): counts it, stops for cancellation, pending approvals, a
    /// terminating tool or the round hook, and spends the budgets, telling the model once when one is spent (F6, F33).
    /// </summary>
    private ValueTask DecideAsync(TurnState turn, CancellationToken cancellationToken)
    {
        var calls = turn.Calls;
        var executed = false;
        var failed = turn.Unreadable is not null;
        var terminated = false;
        List<string>? pending = null;
        foreach (var pc in calls)
        {
            executed |= pc.Kind == PreparedCallKind.Execute;
            failed |= pc.Failed;
            terminated |= pc.Terminated;
            if (pc.Kind == PreparedCallKind.Approval)
            {
                ToolLoopLog.ApprovalRequested(_logger, pc.Call.Name, pc.Call.CallId);
                (pending ??= []).Add(pc.Call.Name);
            }
        }

        if (executed)
        {
            Iterations++;
        }

        _consecutiveErrors = failed ? _consecutiveErrors + 1 : 0;
        if (cancellationToken.IsCancellationRequested)
        {
            _stop = ToolLoopStopReasons.Cancelled;
            return default;
        }

        if (pending is not null)
        {
            _waitingFor = pending;
            _stop = ToolLoopStopReasons.ApprovalPending;
            return default;
        }

        if (terminated)
        {
            _stop = ToolLoopStopReasons.Terminated;
            return default;
        }

        if (_options.RoundCompleted is { } hook)
        {
            return RunRoundHookAsync(hook, calls, cancellationToken);
        }

        SpendBudgets();
        return default;
    }

    /// <summary>F5: the round hook, then the budgets unless it stopped the loop (an async step only when a hook is set).</summary>
    private async ValueTask RunRoundHookAsync(Func<ToolLoopRound, CancellationToken, ValueTask> hook, List<PreparedCall> calls, CancellationToken cancellationToken)
    {
        var results = _outgoing[^1].Role == ChatRole.Tool ? _outgoing[^1].Contents.OfType<FunctionResultContent>().ToList() : [];
        var round = new ToolLoopRound(Iterations, calls.ConvertAll(c => c.Call), results, [.. _outgoing]);
        try
        {
            await hook(round, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _stop = ToolLoopStopReasons.Cancelled;
            return;
        }

        if (round.StopRequested)
        {
            _stop = ToolLoopStopReasons.StoppedByHook;
            return;
        }

        SpendBudgets();
    }

    /// <summary>F6, F33: spends the budgets, telling the model once when one is spent.</summary>
    private void SpendBudgets()
    {
        string? notice = null;
        if (_callLimitHit)
        {
            _pendingStop = ToolLoopStopReasons.CallLimit;
            notice = $"You reached the limit of {_settings.MaximumTotalCalls} tool calls for this request.";
        }
        else if (_settings.MaximumDuplicateCalls > 0 && _consecutiveDuplicates >= _settings.MaximumDuplicateCalls)
        {
            _pendingStop = ToolLoopStopReasons.DuplicateCalls;
            notice = $"You repeated earlier tool calls {_consecutiveDuplicates} times in a row.";
        }
        else if (_settings.MaximumConsecutiveErrors > 0 && _consecutiveErrors >= _settings.MaximumConsecutiveErrors)
        {
            _pendingStop = ToolLoopStopReasons.ConsecutiveErrors;
            notice = $"Your tool calls failed in {_consecutiveErrors} rounds in a row.";
        }
        else if (Iterations >= _settings.MaximumIterations)
        {
            _pendingStop = ToolLoopStopReasons.IterationBudget;
            notice = $"You have used all {_settings.MaximumIterations} rounds of tool calls for this request.";
        }

        if (notice is not null)
        {
            _finalRound = true;
            AddModelNotice(notice + ToolLoopNotices.NoMoreTools);
        }
    }

    /// <summary>
    /// Answers the approval responses of the incoming history before the first model call (F21, F22, F32, F34):
    /// approved calls run in call order (concurrently when allowed) and their results go into the round they
    /// belong to, so the model sees that round as one assistant message; the caller gets each call again next to
    /// its result.
    /// </summary>
    private async IAsyncEnumerable<LoopEmission> ReplayApprovalsAsync(List<PendingApproval> approvals, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var calls = new List<PreparedCall>(approvals.Count);
        var edited = new string?[approvals.Count];
        for (var i = 0; i < approvals.Count; i++)
        {
            var approval = approvals[i];
            var call = approval.Call;
            if (approval.Response is not { } response)
            {
                calls.Add(Answered(call, approval.Current));
                continue;
            }

            if (!response.Approved)
            {
                calls.Add(Answered(call, new FunctionResultContent(call.CallId, ToolLoopNotices.Rejected(response.Reason))));
                continue;
            }

            var requested = response.ToolCall as FunctionCallContent ?? call;
            var changed = !new CallSignature(call.Name, requested.Arguments).Equals(new CallSignature(call.Name, call.Arguments));
            var pc = _preparer.Prepare(changed ? ToolLoopHistory.WithCall(call, call.CallId, requested.Arguments, null) : call, call.CallId, finalRound: false);
            if (pc.Kind == PreparedCallKind.Approval)
            {
                pc.Kind = PreparedCallKind.Execute;
            }

            edited[i] = changed ? ToolLoopJson.Canonical(requested.Arguments) : null;
            calls.Add(pc);
        }

        var callMessageId = NewMessageId();
        foreach (var approval in approvals)
        {
            yield return Track(ChatRole.Assistant, callMessageId, approval.Call);
        }

        var messageId = NewMessageId();
        var index = 0;
        var terminated = false;
        _executor.Start(calls, 1, _settings.AllowConcurrentInvocation, _orchestrate, cancellationToken);
        while (await _executor.NextAsync(cancellationToken).ConfigureAwait(false) is { } raw)
        {
            var result = edited[index] is { } arguments ? ToolLoopNotices.Edited(raw, arguments) : raw;
            terminated |= calls[index].Terminated;
            approvals[index].Fill(ToolLoopJson.CapResult(result, _settings.MaximumToolResultLength, _logger));
            index++;
            yield return Track(ChatRole.Tool, messageId, result);
        }

        _stop = cancellationToken.IsCancellationRequested ? ToolLoopStopReasons.Cancelled
            : terminated ? ToolLoopStopReasons.Terminated
            : null;

        static PreparedCall Answered(FunctionCallContent call, FunctionResultContent answer)
            => new(call, call) { Kind = PreparedCallKind.Answered, Answer = answer };
    }

    /// <summary>F7: the final text is never empty; the stop is logged and tagged.</summary>
    private List<LoopEmission> Finish()
    {
        var stop = StopReason;
        var emissions = new List<LoopEmission>(1);
        if (!(_lastRole == ChatRole.Assistant && _lastHasText))
        {
            var closing = stop switch
            {
                ToolLoopStopReasons.Cancelled => "The request was cancelled.",
                ToolLoopStopReasons.Terminated => "Stopped: a tool ended the request.",
                ToolLoopStopReasons.StoppedByHook => "Stopped by the application.",
                ToolLoopStopReasons.ApprovalPending => "Waiting for approval to run: " + string.Join(", ", _waitingFor ?? []) + ".",
                ToolLoopStopReasons.CallsReturned => "Waiting for the results of: " + string.Join(", ", _waitingFor ?? []) + ".",
                ToolLoopStopReasons.ContextOverflow => "The conversation is too long for the model's context.",
                _ => "(The model returned no answer.)",
            };
            emissions.Add(Track(ChatRole.Assistant, NewMessageId(), NoticeContent(closing)));
        }

        ToolLoopLog.LoopStopped(_logger, stop, Iterations);
        return emissions;
    }

    /// <summary>
    /// The "classify" step for a round: applies truncation (F13, F31), the call caps (F17) and duplicate detection
    /// (F15, F16); a round with a call the loop cannot run ends the loop and goes back to the caller (F40). Returns
    /// whether the round runs.
    /// </summary>
    private bool Classify(TurnState turn)
    {
        _rounds++;
        var calls = turn.Calls;
        foreach (var pc in calls)
        {
            if (pc.Kind == PreparedCallKind.Returned)
            {
                foreach (var returned in calls)
                {
                    ToolLoopLog.CallReturned(_logger, returned.Call.Name, returned.Call.CallId, returned.Error ?? "returned with the round");
                }

                _waitingFor = calls.ConvertAll(c => c.Call.Name);
                _stop = ToolLoopStopReasons.CallsReturned;
                return false;
            }
        }

        var truncated = turn.FinishReason == ChatFinishReason.Length;
        var inRound = 0;
        var limitHit = false;
        for (var i = 0; i < calls.Count; i++)
        {
            var pc = calls[i];
            if (pc.Kind is PreparedCallKind.Approval or PreparedCallKind.Returned)
            {
                continue;
            }

            inRound++;
            _totalCalls++;
            if (pc.Kind == PreparedCallKind.Error)
            {
                // F13, F31: a call cut off by the token limit is never run; the model is told why.
                if (truncated && pc.ArgumentsInvalid)
                {
                    pc.Error = $"Your output was cut off by the output token limit while you were writing this call to '{pc.Call.Name}', so it was not run. Call it again with shorter arguments, or split the work into smaller calls.";
                }

                continue;
            }

            if (inRound > _settings.MaximumCallsPerRound)
            {
                Refuse(pc, $"Not run: at most {_settings.MaximumCallsPerRound} calls are run per response. Make this call again in your next response.");
                continue;
            }

            if (_totalCalls > _settings.MaximumTotalCalls)
            {
                Refuse(pc, $"Not run: the limit of {_settings.MaximumTotalCalls} tool calls for this request was reached.");
                limitHit = true;
                continue;
            }

            if (EarlierInRound(calls, i) is var j and >= 0)
            {
                pc.Kind = PreparedCallKind.Duplicate;
                pc.DuplicateOf = j;
                pc.EarlierCallId = calls[j].Call.CallId;
                _consecutiveDuplicates++;
            }
            else if (EarlierInRequest(pc.Signature) is { } earlier)
            {
                pc.Kind = PreparedCallKind.Duplicate;
                pc.EarlierResult = earlier.Result;
                pc.EarlierCallId = earlier.Call.CallId;
                _consecutiveDuplicates++;
            }
            else
            {
                _consecutiveDuplicates = 0;
            }
        }

        _callLimitHit = limitHit;
        return true;

        // A request makes few calls (MaximumTotalCalls): a scan, comparing hashes first, costs less than a table.
        PreparedCall? EarlierInRequest(CallSignature signature)
        {
            foreach (var earlier in _executed)
            {
                if (earlier.Signature.Equals(signature))
                {
                    return earlier;
                }
            }

            return null;
        }

        static int EarlierInRound(List<PreparedCall> calls, int i)
        {
            for (var j = 0; j < i; j++)
            {
                if (calls[j].Kind == PreparedCallKind.Execute && calls[j].Signature.Equals(calls[i].Signature))
                {
                    return j;
                }
            }

            return -1;
        }

        static void Refuse(PreparedCall pc, string error)
        {
            pc.Kind = PreparedCallKind.Error;
            pc.Failed = true;
            pc.Error = error;
        }
    }

    /// <summary>
    /// Ids of the loop's own messages: a random prefix drawn once per process, a run number, a message number. Unique
    /// without a random draw per run (a <see cref="Guid"/> costs more than a whole round of the loop).
    /// </summary>
    private string NewMessageId()
    {
        // Per id a concatenation, not interpolation: a small number's text is cached, so an id costs one string and no buffer.
        _idPrefix ??= string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s_processPrefix}{Interlocked.Increment(ref s_runs)}_");
        return string.Concat(_idPrefix, (++_idCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string TurnText(TurnState turn)
    {
        var text = string.Empty;
        foreach (var message in turn.Messages)
        {
            if (message.Role == ChatRole.Assistant)
            {
                text += message.Text;
            }
        }

        return text;
    }

    /// <summary>Whether <paramref name="message"/>'s text is not blank, as <c>!string.IsNullOrWhiteSpace(message.Text)</c> without joining the texts.</summary>
    private static bool HasText(ChatMessage message) => HasText(message.Contents);

    private static bool HasText(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent t && !string.IsNullOrWhiteSpace(t.Text))
            {
                return true;
            }
        }

        return false;
    }

    private static TextContent NoticeContent(string text) => new(text)
    {
        AdditionalProperties = new AdditionalPropertiesDictionary { [ToolLoopPropertyNames.Notice] = true },
    };

    private bool IsContextOverflow(Exception error) => (_options.IsContextOverflow ?? ContextOverflow.IsContextOverflow)(error);

    /// <summary>F37: reduces the history that did not fit, pair-safe; <see langword="null"/> when it cannot get shorter.</summary>
    private async Task<IList<ChatMessage>?> ReduceAfterOverflowAsync(IList<ChatMessage> sent, Exception error, CancellationToken cancellationToken)
    {
        if (_options.ChatReducer is not { } reducer || _overflowRetries >= _settings.MaximumContextOverflowRetries || _conversationId is not null)
        {
            return null;
        }

        _overflowRetries++;
        ToolLoopLog.ReducingAfterOverflow(_logger, _overflowRetries, error);
        var reduced = ToolLoopHistory.RepairAfterReduction(await reducer.ReduceAsync(sent, cancellationToken).ConfigureAwait(false), _outgoing);
        if (reduced.Count >= sent.Count && Size(reduced) >= Size(sent))
        {
            return null;
        }

        // Later rounds build on the history that fits.
        _outgoing = reduced;
        return reduced;

        static long Size(IList<ChatMessage> messages)
        {
            long size = 0;
            foreach (var message in messages)
            {
                foreach (var content in message.Contents)
                {
                    size += content switch
                    {
                        TextContent t => t.Text.Length,
                        TextReasoningContent r => r.Text.Length,
                        FunctionResultContent r => ToolLoopJson.ResultText(r.Result).Length,
                        _ => 16,
                    };
                }
            }

            return size;
        }
    }

    /// <summary>
    /// Whether <paramref name="emission"/> is to be yielded (streaming); non-streaming it goes into <see cref="Output"/>
    /// at once, so the run's output costs no iterator step per message.
    /// </summary>
    private bool Emit(in LoopEmission emission)
    {
        if (_output is null)
        {
            return true;
        }

        Collect(emission);
        return false;
    }

    /// <summary>Non-streaming: adds an emission to the caller's messages (a content joins the last message when it has the same id).</summary>
    private void Collect(in LoopEmission emission)
    {
        var output = _output!;
        if (emission.Messages is { } turnMessages)
        {
            output.AddRange(turnMessages);
        }
        else if (emission.Message is { } message)
        {
            output.Add(message);
        }
        else if (emission.Content is { } content)
        {
            if (output.Count > 0 && output[^1].MessageId == emission.MessageId)
            {
                output[^1].Contents.Add(content);
            }
            else
            {
                output.Add(new ChatMessage(emission.Role, [content]) { MessageId = emission.MessageId });
            }
        }
    }

    /// <summary>F33: instructions to the model go into what it is sent next, never into what the caller reads.</summary>
    private void AddModelNotice(string text) => _outgoing.Add(new ChatMessage(ChatRole.User, [NoticeContent(text)]) { MessageId = NewMessageId() });

    private LoopEmission Track(ChatRole role, string messageId, AIContent content)
    {
        if (messageId != _lastMessageId)
        {
            _lastMessageId = messageId;
            _lastRole = role;
            _lastHasText = false;
        }

        _lastHasText |= content is TextContent t && !string.IsNullOrWhiteSpace(t.Text);
        return LoopEmission.ForContent(role, messageId, content);
    }

    private void AddToolMessage(List<AIContent> results, string messageId)
    {
        if (results.Count > 0)
        {
            _outgoing.Add(new ChatMessage(ChatRole.Tool, results) { MessageId = messageId });
        }
    }

    private void AddTurn(TurnState turn)
    {
        ModelId = turn.ModelId ?? ModelId;
        ResponseId = turn.ResponseId ?? ResponseId;
        foreach (var message in turn.Messages)
        {
            var sent = message;
            if (_options.ReasoningCarry == ReasoningCarryMode.None && message.Contents.Any(c => c is TextReasoningContent))
            {
                sent = message.Clone();
                sent.Contents = message.Contents.Where(c => c is not TextReasoningContent).ToList();
            }

            _outgoing.Add(sent);
            _lastMessageId = message.MessageId;
            _lastRole = message.Role;
            _lastHasText = HasText(message);
        }

        // F40, as FICC: after a response with a conversation id, the service holds the history: send only what is new.
        _conversationId = turn.ConversationId;
        _sentUpTo = _outgoing.Count;
    }

    /// <summary>F6, F8, F40: the options of the next model call.</summary>
    private ChatOptions? TurnOptions()
    {
        var options = _forwardOptions;
        var clone = false;
        if (_finalRound && options?.Tools is { Count: > 0 } tools && tools.Any(t => t is AIFunctionDeclaration))
        {
            // As FICC: hosted tools stay, the loop's functions go.
            options = options.Clone();
            clone = true;
            var kept = tools.Where(t => t is not AIFunctionDeclaration).ToList();
            options.Tools = kept.Count == 0 ? null : kept;
            options.ToolMode = kept.Count == 0 ? null : options.ToolMode;
            options.AllowMultipleToolCalls = kept.Count == 0 ? null : options.AllowMultipleToolCalls;
        }
        else if (_rounds > 0 && options?.ToolMode is RequiredChatToolMode)
        {
            options = options.Clone();
            clone = true;
            options.ToolMode = ChatToolMode.Auto;
        }

        if (_rounds > 0 && options?.ConversationId != _conversationId)
        {
            options = clone ? options : options?.Clone() ?? new ChatOptions();
            options!.ConversationId = _conversationId;
        }

        return options;
    }

    /// <summary>F26, F40: the messages of the next model call.</summary>
    private ValueTask<IList<ChatMessage>> MessagesToSendAsync(CancellationToken cancellationToken)
    {
        if (_conversationId is not null && _rounds > 0)
        {
            return new(_outgoing.GetRange(_sentUpTo, _outgoing.Count - _sentUpTo));
        }

        if (_options.ChatReducer is not { } reducer || _conversationId is not null)
        {
            return new(_outgoing);
        }

        return ReduceAsync(reducer, cancellationToken);
    }

    /// <summary>F26: the configured reducer's history, repaired to keep calls and results paired.</summary>
    private async ValueTask<IList<ChatMessage>> ReduceAsync(IChatReducer reducer, CancellationToken cancellationToken)
    {
        var reduced = await reducer.ReduceAsync(_outgoing.ToList(), cancellationToken).ConfigureAwait(false);
        return ToolLoopHistory.RepairAfterReduction(reduced, _outgoing);
    }

    private void AddUsage(UsageDetails? usage)
    {
        if (usage is not null)
        {
            (Usage ??= new UsageDetails()).Add(usage);
        }
    }

    /// <summary>
    /// Prepares each call as it arrives (F1, F2, F9, F12, F21, F23, F30) and puts an approval request in the place of
    /// a call that needs one; usage is summed and dropped (F28). Returns <paramref name="contents"/> itself when
    /// nothing changed.
    /// </summary>
    private IList<AIContent> TransformContents(IList<AIContent> contents, TurnState turn)
    {
        List<AIContent>? kept = null;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            AIContent? replacement = content;
            switch (content)
            {
                case UsageContent usage:
                    AddUsage(usage.Details);
                    replacement = null;
                    break;
                case FunctionCallContent call when !call.InformationalOnly:
                    var pc = _preparer.Prepare(call, _ids.Allocate(call.CallId), _finalRound);
                    turn.Calls.Add(pc);
                    replacement = pc.Kind == PreparedCallKind.Approval ? new ToolApprovalRequestContent(pc.Call.CallId, pc.Call) : pc.Call;
                    break;
                case ErrorContent error when error.AdditionalProperties?.ContainsKey(ToolLoopPropertyNames.ParseProblem) == true:
                    (turn.Unreadable ??= []).Add(error);
                    break;
                default:
                    break;
            }

            if (kept is null && !ReferenceEquals(replacement, content))
            {
                kept = new List<AIContent>(contents.Count);
                for (var j = 0; j < i; j++)
                {
                    kept.Add(contents[j]);
                }
            }

            if (kept is not null && replacement is not null)
            {
                kept.Add(replacement);
            }
        }

        return kept ?? contents;
    }

    private ChatResponseUpdate? TransformUpdate(ChatResponseUpdate update, TurnState turn)
    {
        turn.ModelId ??= update.ModelId;
        turn.ResponseId ??= update.ResponseId;
        turn.ConversationId ??= update.ConversationId;
        if (update.FinishReason is { } finish)
        {
            turn.FinishReason = finish;
        }

        var kept = TransformContents(update.Contents, turn);
        if (kept.Count == 0)
        {
            return null;
        }

        var result = update;
        if (!ReferenceEquals(kept, update.Contents) || string.IsNullOrEmpty(update.MessageId) || update.Role is null)
        {
            result = update.Clone();
            result.Contents = kept;
        }

        if (string.IsNullOrEmpty(result.MessageId))
        {
            result.MessageId = turn.LastMessageId ??= NewMessageId();
        }
        else
        {
            turn.LastMessageId = result.MessageId;
        }

        result.Role ??= turn.LastRole ?? ChatRole.Assistant;
        turn.LastRole = result.Role;
        turn.Updates.Add(result);
        return result;
    }

    private void TransformResponse(ChatResponse response, TurnState turn)
    {
        turn.ModelId = response.ModelId;
        turn.ResponseId = response.ResponseId;
        turn.ConversationId = response.ConversationId;
        turn.FinishReason = response.FinishReason;
        AddUsage(response.Usage);
        foreach (var message in response.Messages)
        {
            var kept = TransformContents(message.Contents, turn);
            if (kept.Count == 0)
            {
                continue;
            }

            var result = message;
            if (!ReferenceEquals(kept, message.Contents))
            {
                result = message.Clone();
                result.Contents = kept;
            }

            turn.Messages.Add(result);
        }
    }
}
