using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>The state of one request through a <see cref="ToolLoopChatClient"/>; the same code runs streaming and non-streaming.</summary>
internal sealed class ToolLoopRun
{
    private const string CancelledResult = "Cancelled: the request was cancelled before this call finished.";
    private const string NoToolsResult = "Tools are no longer available in this request, so the call was not run. Answer with what you have.";

    private readonly IChatClient _inner;
    private readonly ToolLoopOptions _options;
    private readonly ToolLoopSettings _settings;
    private readonly ILogger _logger;
    private readonly ActivitySource _source;
    private readonly IEnumerable<ChatMessage> _messages;
    private readonly ChatOptions? _forwardOptions;
    private readonly bool _streaming;
    private readonly Dictionary<string, AITool> _tools = new(StringComparer.Ordinal);
    private readonly CallIdAllocator _ids = new();
    private readonly Dictionary<string, (string CallId, FunctionResultContent Result)> _executed = new(StringComparer.Ordinal);
    private List<ChatMessage> _outgoing = [];
    private bool _finalRound;
    private int _totalCalls;
    private int _consecutiveDuplicates;
    private int _consecutiveErrors;
    private string? _lastMessageId;
    private ChatRole? _lastRole;
    private bool _lastHasText;
    private Activity? _orchestrate;

    public ToolLoopRun(IChatClient inner, ToolLoopOptions options, ILogger logger, ActivitySource source, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, bool streaming)
    {
        _inner = inner;
        _options = options;
        _settings = ToolLoopSettings.Create(options, chatOptions);
        _logger = logger;
        _source = source;
        _messages = messages;
        _forwardOptions = ToolLoopSettings.StripOwnKeys(chatOptions);
        _streaming = streaming;
        if (chatOptions?.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                _tools.TryAdd(tool.Name, tool);
            }
        }
    }

    public string StopReason { get; private set; } = ToolLoopStopReasons.Completed;

    public int Iterations { get; private set; }

    public UsageDetails? Usage { get; private set; }

    public string? ModelId { get; private set; }

    public string? ResponseId { get; private set; }

    public ChatFinishReason FinishReason => StopReason switch
    {
        ToolLoopStopReasons.ApprovalPending => ChatFinishReason.ToolCalls,
        ToolLoopStopReasons.Truncated => ChatFinishReason.Length,
        _ => ChatFinishReason.Stop,
    };

    public async IAsyncEnumerable<LoopEmission> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var orchestrate = _source.StartActivity("orchestrate_tools", ActivityKind.Internal);
        orchestrate?.SetTag("gen_ai.operation.name", "orchestrate_tools");
        _orchestrate = orchestrate;

        var history = ToolLoopHistory.Prepare(_messages, _options.ReasoningCarry, _ids);
        _outgoing = history.Messages;
        string? stop = null;

        if (history.Approvals.Count > 0)
        {
            var messageId = NewMessageId();
            var terminated = false;
            for (var i = 0; i < history.Approvals.Count; i++)
            {
                var (result, pc) = await ResolveApprovalAsync(history.Approvals[i], i, cancellationToken).ConfigureAwait(false);
                history.Approvals[i].Fill(result);
                terminated |= pc?.Terminated == true;
                yield return Track(ChatRole.Tool, messageId, result);
            }

            stop = cancellationToken.IsCancellationRequested ? ToolLoopStopReasons.Cancelled
                : terminated ? ToolLoopStopReasons.Terminated
                : null;
        }

        _finalRound = _settings.MaximumIterations <= 0;
        string? pendingStop = null;
        var rounds = 0;
        var reprompts = 0;
        while (stop is null)
        {
            var turnOptions = TurnOptions(rounds > 0);
            IEnumerable<ChatMessage>? toSend = null;
            var cancelled = false;
            try
            {
                toSend = await MessagesToSendAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
            }

            var turn = new TurnState();
            if (orchestrate is not null)
            {
                // An async iterator does not keep Activity.Current across yields; the model call belongs under this span.
                Activity.Current = orchestrate;
            }

            if (!cancelled && _streaming)
            {
                IAsyncEnumerator<ChatResponseUpdate>? updates = null;
                try
                {
                    updates = _inner.GetStreamingResponseAsync(toSend!, turnOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = await updates.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            cancelled = true;
                            break;
                        }

                        if (!more)
                        {
                            break;
                        }

                        if (TransformUpdate(updates.Current, turn) is { } update)
                        {
                            yield return LoopEmission.ForUpdate(update);
                        }
                    }
                }
                finally
                {
                    if (updates is not null)
                    {
                        try
                        {
                            await updates.DisposeAsync().ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // The inner stream was cancelled by the caller's token; nothing more to release.
                        }
                    }
                }

                turn.Messages.AddRange(turn.Updates.ToChatResponse().Messages);
            }
            else if (!cancelled)
            {
                ChatResponse? response = null;
                try
                {
                    response = await _inner.GetResponseAsync(toSend!, turnOptions, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    cancelled = true;
                }

                if (response is not null)
                {
                    TransformResponse(response, turn);
                    yield return LoopEmission.ForMessages(turn.Messages);
                }
            }

            AddTurn(turn);
            var calls = turn.Calls;
            if (cancelled)
            {
                var messageId = NewMessageId();
                var results = new List<AIContent>();
                foreach (var pc in calls.Where(c => c.Kind != PreparedCallKind.Approval))
                {
                    var result = new FunctionResultContent(pc.Call.CallId, CancelledResult);
                    results.Add(result);
                    yield return Track(ChatRole.Tool, messageId, result);
                }

                AddToolMessage(results, messageId);
                stop = ToolLoopStopReasons.Cancelled;
                break;
            }

            if (_finalRound || calls.Count == 0)
            {
                if (calls.Count > 0)
                {
                    // The model called tools in its tool-less final answer: every call still gets a result.
                    var messageId = NewMessageId();
                    var results = new List<AIContent>();
                    foreach (var pc in calls)
                    {
                        var result = new FunctionResultContent(pc.Call.CallId, "Error: " + pc.Error);
                        results.Add(result);
                        yield return Track(ChatRole.Tool, messageId, result);
                    }

                    AddToolMessage(results, messageId);
                }
                else if (!_finalRound && reprompts < _settings.MaximumAnnouncementReprompts && _tools.Count > 0
                    && (_options.AnnouncementDetector ?? AnnouncementHeuristic.LooksLikeAnnouncement)(TurnText(turn)))
                {
                    reprompts++;
                    ToolLoopLog.Reprompting(_logger, reprompts);
                    yield return Notice(ChatRole.User, "You said you would do something but did not call a tool. If you need a tool, call it now in the required format; otherwise give your final answer.");
                    continue;
                }

                stop = pendingStop ?? (turn.FinishReason == ChatFinishReason.Length ? ToolLoopStopReasons.Truncated : ToolLoopStopReasons.Completed);
                break;
            }

            rounds++;
            var callLimitHit = Classify(calls, turn.FinishReason);
            var toolMessageId = NewMessageId();
            var roundResults = new List<FunctionResultContent>();
            var byIndex = new FunctionResultContent?[calls.Count];
            var tasks = new Task<FunctionResultContent>?[calls.Count];
            if (_settings.AllowConcurrentInvocation)
            {
#pragma warning disable CA2000 // Never disposed on purpose: it has no wait handle, and calls may outlive a stream the caller abandoned.
                var throttle = new SemaphoreSlim(Math.Max(1, _options.MaxDegreeOfParallelism));
#pragma warning restore CA2000
                for (var i = 0; i < calls.Count; i++)
                {
                    if (calls[i].Kind == PreparedCallKind.Execute)
                    {
                        var (pc, index) = (calls[i], i);
                        tasks[i] = Task.Run(() => InvokeThrottledAsync(pc, index, throttle, cancellationToken), CancellationToken.None);
                    }
                }
            }

            for (var i = 0; i < calls.Count; i++)
            {
                var pc = calls[i];
                FunctionResultContent result;
                switch (pc.Kind)
                {
                    case PreparedCallKind.Approval:
                        continue;
                    case PreparedCallKind.Execute:
                        result = await (tasks[i] ??= InvokeAsync(pc, i, cancellationToken)).ConfigureAwait(false);
                        _executed.TryAdd(pc.Signature, (pc.Call.CallId, result));
                        break;
                    case PreparedCallKind.Duplicate:
                        var earlier = pc.DuplicateOf >= 0 ? byIndex[pc.DuplicateOf]! : pc.EarlierResult!;
                        ToolLoopLog.DuplicateCall(_logger, pc.Call.Name, pc.Call.CallId, pc.EarlierCallId!);
                        result = new FunctionResultContent(
                            pc.Call.CallId,
                            $"[Duplicate call: the same call as {pc.EarlierCallId}, so it was not run again. The earlier result follows.]\n{ToolLoopJson.ResultText(earlier.Result)}");
                        break;
                    default:
                        ToolLoopLog.CallRejected(_logger, pc.Call.Name, pc.Call.CallId, pc.Error!);
                        result = new FunctionResultContent(pc.Call.CallId, "Error: " + pc.Error);
                        break;
                }

                byIndex[i] = result;
                roundResults.Add(result);
                yield return Track(ChatRole.Tool, toolMessageId, result);
            }

            AddToolMessage(roundResults.Cast<AIContent>().ToList(), toolMessageId);

            if (calls.Any(c => c.Kind == PreparedCallKind.Execute))
            {
                Iterations++;
            }

            _consecutiveErrors = calls.Any(c => c.Failed) ? _consecutiveErrors + 1 : 0;

            if (cancellationToken.IsCancellationRequested)
            {
                stop = ToolLoopStopReasons.Cancelled;
                break;
            }

            var pending = calls.Where(c => c.Kind == PreparedCallKind.Approval).ToList();
            if (pending.Count > 0)
            {
                var messageId = NewMessageId();
                foreach (var pc in pending)
                {
                    ToolLoopLog.ApprovalRequested(_logger, pc.Call.Name, pc.Call.CallId);
                    yield return Track(ChatRole.Assistant, messageId, new ToolApprovalRequestContent(pc.Call.CallId, pc.Call));
                }

                yield return Track(ChatRole.Assistant, messageId, NoticeContent(
                    "Waiting for approval to run: " + string.Join(", ", pending.Select(p => p.Call.Name)) + "."));
                stop = ToolLoopStopReasons.ApprovalPending;
                break;
            }

            if (calls.Any(c => c.Terminated))
            {
                stop = ToolLoopStopReasons.Terminated;
                break;
            }

            if (_options.RoundCompleted is { } hook)
            {
                var round = new ToolLoopRound(Iterations, calls.Select(c => c.Call).ToList(), roundResults, _outgoing.ToList());
                try
                {
                    await hook(round, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    stop = ToolLoopStopReasons.Cancelled;
                    break;
                }

                if (round.StopRequested)
                {
                    stop = ToolLoopStopReasons.StoppedByHook;
                    break;
                }
            }

            string? notice = null;
            if (callLimitHit)
            {
                pendingStop = ToolLoopStopReasons.CallLimit;
                notice = $"You reached the limit of {_settings.MaximumTotalCalls} tool calls for this request.";
            }
            else if (_settings.MaximumDuplicateCalls > 0 && _consecutiveDuplicates >= _settings.MaximumDuplicateCalls)
            {
                pendingStop = ToolLoopStopReasons.DuplicateCalls;
                notice = $"You repeated earlier tool calls {_consecutiveDuplicates} times in a row.";
            }
            else if (_settings.MaximumConsecutiveErrors > 0 && _consecutiveErrors >= _settings.MaximumConsecutiveErrors)
            {
                pendingStop = ToolLoopStopReasons.ConsecutiveErrors;
                notice = $"Your tool calls failed in {_consecutiveErrors} rounds in a row.";
            }
            else if (Iterations >= _settings.MaximumIterations)
            {
                pendingStop = ToolLoopStopReasons.IterationBudget;
                notice = $"You have used all {_settings.MaximumIterations} rounds of tool calls for this request.";
            }

            if (notice is not null)
            {
                _finalRound = true;
                yield return Notice(ChatRole.User, notice + " Tools are no longer available: answer the user now with what you have.");
            }
        }

        StopReason = stop;
        var closing = stop switch
        {
            ToolLoopStopReasons.Cancelled => "The request was cancelled.",
            ToolLoopStopReasons.Terminated => "Stopped: a tool ended the request.",
            ToolLoopStopReasons.StoppedByHook => "Stopped by the application.",
            _ => "(The model returned no answer.)",
        };
        if (!(_lastRole == ChatRole.Assistant && _lastHasText))
        {
            yield return Notice(ChatRole.Assistant, closing);
        }

        ToolLoopLog.LoopStopped(_logger, stop, Iterations);
        orchestrate?.SetTag("toolloop.stop_reason", stop);
        orchestrate?.SetTag("toolloop.iterations", Iterations);
    }

    private static string NewMessageId() => "toolloop_" + Guid.NewGuid().ToString("N");

    private static string TurnText(TurnState turn) => string.Concat(turn.Messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text));

    private static TextContent NoticeContent(string text) => new(text)
    {
        AdditionalProperties = new AdditionalPropertiesDictionary { [ToolLoopPropertyNames.Notice] = true },
    };

    private LoopEmission Notice(ChatRole role, string text)
    {
        var content = NoticeContent(text);
        var messageId = NewMessageId();
        if (role != ChatRole.Assistant)
        {
            _outgoing.Add(new ChatMessage(role, [content]) { MessageId = messageId });
        }

        return Track(role, messageId, content);
    }

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
            _lastHasText = !string.IsNullOrWhiteSpace(message.Text);
        }
    }

    private ChatOptions? TurnOptions(bool afterFirstRound)
    {
        var options = _forwardOptions;
        if (_finalRound)
        {
            options = options?.Clone() ?? new ChatOptions();
            options.Tools = null;
            options.ToolMode = null;
            options.AllowMultipleToolCalls = null;
        }
        else if (afterFirstRound && options?.ToolMode is RequiredChatToolMode)
        {
            options = options.Clone();
            options.ToolMode = ChatToolMode.Auto;
        }

        return options;
    }

    private async Task<IEnumerable<ChatMessage>> MessagesToSendAsync(CancellationToken cancellationToken)
    {
        if (_options.ChatReducer is not { } reducer)
        {
            return _outgoing.ToList();
        }

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

    private List<AIContent> TransformContents(IList<AIContent> contents, TurnState turn)
    {
        var kept = new List<AIContent>(contents.Count);
        foreach (var content in contents)
        {
            switch (content)
            {
                case UsageContent usage:
                    AddUsage(usage.Details);
                    break;
                case FunctionCallContent call when !call.InformationalOnly:
                    var pc = Prepare(call, _ids.Allocate(call.CallId));
                    turn.Calls.Add(pc);
                    if (pc.Kind != PreparedCallKind.Approval)
                    {
                        kept.Add(pc.Call);
                    }

                    break;
                default:
                    kept.Add(content);
                    break;
            }
        }

        return kept;
    }

    private ChatResponseUpdate? TransformUpdate(ChatResponseUpdate update, TurnState turn)
    {
        turn.ModelId ??= update.ModelId;
        turn.ResponseId ??= update.ResponseId;
        if (update.FinishReason is { } finish)
        {
            turn.FinishReason = finish;
        }

        var kept = TransformContents(update.Contents, turn);
        if (kept.Count == 0)
        {
            return null;
        }

        var clone = update.Clone();
        clone.Contents = kept;
        if (string.IsNullOrEmpty(clone.MessageId))
        {
            clone.MessageId = turn.LastMessageId ??= NewMessageId();
        }
        else
        {
            turn.LastMessageId = clone.MessageId;
        }

        clone.Role ??= turn.LastRole ?? ChatRole.Assistant;
        turn.LastRole = clone.Role;
        turn.Updates.Add(clone);
        return clone;
    }

    private void TransformResponse(ChatResponse response, TurnState turn)
    {
        turn.ModelId = response.ModelId;
        turn.ResponseId = response.ResponseId;
        turn.FinishReason = response.FinishReason;
        AddUsage(response.Usage);
        foreach (var message in response.Messages)
        {
            var kept = TransformContents(message.Contents, turn);
            if (kept.Count == 0)
            {
                continue;
            }

            var clone = message.Clone();
            clone.Contents = kept;
            turn.Messages.Add(clone);
        }
    }

    private PreparedCall Prepare(FunctionCallContent call, string callId)
    {
        AIFunction? function = null;
        string? error = null;
        var invalid = false;
        var arguments = call.Arguments;
        var exception = call.Exception;
        if (_finalRound)
        {
            error = NoToolsResult;
        }
        else if (!_tools.TryGetValue(call.Name, out var tool))
        {
            error = $"Unknown tool '{call.Name}'. Available tools: {(_tools.Count == 0 ? "none" : string.Join(", ", _tools.Keys))}.";
        }
        else if (tool is not AIFunction f)
        {
            error = $"The tool '{call.Name}' cannot be invoked by this client.";
        }
        else
        {
            function = f;
            var schema = f.JsonSchema;
            if (exception is not null)
            {
                if (_options.HealArguments
                    && call.AdditionalProperties?.TryGetValue(ToolLoopPropertyNames.RawArguments, out var raw) == true && raw is string rawText
                    && ToolArgumentHealer.TryHealRaw(rawText, schema, out var healed))
                {
                    arguments = healed;
                    exception = null;
                }
                else
                {
                    invalid = true;
                    error = $"The arguments of the call to '{call.Name}' could not be parsed ({exception.Message}). Send a JSON object matching this schema: {schema.GetRawText()}";
                }
            }

            if (error is null)
            {
                if (_options.HealArguments && arguments is not null)
                {
                    arguments = ToolArgumentHealer.Heal(arguments, schema);
                }

                var problems = ToolSchemaValidator.Validate(arguments, schema);
                if (problems.Count > 0)
                {
                    invalid = true;
                    error = $"Invalid arguments for '{call.Name}': {string.Join("; ", problems)}. Send a JSON object matching this schema: {schema.GetRawText()}";
                }
            }
        }

        var needsApproval = error is null && function!.GetService<ApprovalRequiredAIFunction>() is not null;
        var prepared = callId == call.CallId && ReferenceEquals(arguments, call.Arguments) && ReferenceEquals(exception, call.Exception)
            ? call
            : ToolLoopHistory.WithCall(call, callId, arguments, exception);
        return new PreparedCall(call, prepared)
        {
            Function = function,
            Error = error,
            ArgumentsInvalid = invalid,
            HealedByParser = ToolLoopHistory.IsFlagSet(call.AdditionalProperties, ToolLoopPropertyNames.Healed),
            NeedsApproval = needsApproval,
            Signature = call.Name + "\n" + ToolLoopJson.Canonical(arguments),
            Kind = error is not null ? PreparedCallKind.Error : needsApproval ? PreparedCallKind.Approval : PreparedCallKind.Execute,
            Failed = error is not null,
        };
    }

    /// <summary>Applies caps, truncation and duplicate detection to a round's calls; returns whether the total-call cap was hit.</summary>
    private bool Classify(List<PreparedCall> calls, ChatFinishReason? finishReason)
    {
        var truncated = finishReason == ChatFinishReason.Length;
        var inRound = 0;
        var limitHit = false;
        var signatures = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < calls.Count; i++)
        {
            var pc = calls[i];
            if (pc.Kind == PreparedCallKind.Approval)
            {
                continue;
            }

            inRound++;
            _totalCalls++;
            if (pc.Kind == PreparedCallKind.Error)
            {
                if (truncated && pc.ArgumentsInvalid)
                {
                    pc.Error = $"Your output was cut off by the output token limit while you were writing this call to '{pc.Call.Name}', so it was not run. Call it again with shorter arguments, or split the work into smaller calls.";
                }

                continue;
            }

            if (inRound > _settings.MaximumCallsPerRound)
            {
                pc.Kind = PreparedCallKind.Error;
                pc.Failed = true;
                pc.Error = $"Not run: at most {_settings.MaximumCallsPerRound} calls are run per response. Make this call again in your next response.";
                continue;
            }

            if (_totalCalls > _settings.MaximumTotalCalls)
            {
                pc.Kind = PreparedCallKind.Error;
                pc.Failed = true;
                pc.Error = $"Not run: the limit of {_settings.MaximumTotalCalls} tool calls for this request was reached.";
                limitHit = true;
                continue;
            }

            if (signatures.TryGetValue(pc.Signature, out var j))
            {
                pc.Kind = PreparedCallKind.Duplicate;
                pc.DuplicateOf = j;
                pc.EarlierCallId = calls[j].Call.CallId;
                _consecutiveDuplicates++;
            }
            else if (_executed.TryGetValue(pc.Signature, out var earlier))
            {
                pc.Kind = PreparedCallKind.Duplicate;
                pc.EarlierResult = earlier.Result;
                pc.EarlierCallId = earlier.CallId;
                _consecutiveDuplicates++;
            }
            else
            {
                signatures[pc.Signature] = i;
                _consecutiveDuplicates = 0;
            }
        }

        return limitHit;
    }

    private async Task<(FunctionResultContent Result, PreparedCall? Call)> ResolveApprovalAsync(PendingApproval approval, int index, CancellationToken cancellationToken)
    {
        var call = approval.Call;
        if (approval.Response is not { } response)
        {
            return (approval.Current, null);
        }

        if (!response.Approved)
        {
            var reason = string.IsNullOrWhiteSpace(response.Reason) ? string.Empty : " Reason: " + response.Reason;
            return (new FunctionResultContent(call.CallId, "The user rejected this call; it was not run." + reason), null);
        }

        var requested = response.ToolCall as FunctionCallContent ?? call;
        var editedArguments = ToolLoopJson.Canonical(requested.Arguments);
        var edited = editedArguments != ToolLoopJson.Canonical(call.Arguments);
        var effective = edited ? ToolLoopHistory.WithCall(call, call.CallId, requested.Arguments, null) : call;
        var pc = Prepare(effective, call.CallId);
        FunctionResultContent result;
        if (pc.Kind == PreparedCallKind.Error)
        {
            result = new FunctionResultContent(call.CallId, "Error: " + pc.Error);
        }
        else
        {
            result = await InvokeAsync(pc, index, cancellationToken).ConfigureAwait(false);
            _executed.TryAdd(pc.Signature, (call.CallId, result));
        }

        if (edited)
        {
            result = new FunctionResultContent(call.CallId, $"[The user edited the arguments before approving; the call ran with {editedArguments}.]\n{ToolLoopJson.ResultText(result.Result)}")
            {
                Exception = result.Exception,
            };
        }

        return (result, pc);
    }

    private async Task<FunctionResultContent> InvokeThrottledAsync(PreparedCall pc, int index, SemaphoreSlim throttle, CancellationToken cancellationToken)
    {
        try
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new FunctionResultContent(pc.Call.CallId, CancelledResult);
        }

        try
        {
            return await InvokeAsync(pc, index, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            throttle.Release();
        }
    }

    private async Task<FunctionResultContent> InvokeAsync(PreparedCall pc, int index, CancellationToken cancellationToken)
    {
        var function = pc.Function!;
        var callId = pc.Call.CallId;
        if (cancellationToken.IsCancellationRequested)
        {
            return new FunctionResultContent(callId, CancelledResult);
        }

        var arguments = new AIFunctionArguments(pc.Call.Arguments ?? new Dictionary<string, object?>()) { Services = _options.Services };
        var context = new ToolInvocationContext(function, pc.Call, arguments, Iterations + 1, index);
        arguments.Context = new Dictionary<object, object?> { [typeof(ToolInvocationContext)] = context };

        using var activity = _source.StartActivity("execute_tool " + function.Name, ActivityKind.Internal, _orchestrate?.Context ?? default);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "execute_tool");
            activity.SetTag("gen_ai.tool.name", function.Name);
            activity.SetTag("gen_ai.tool.call.id", callId);
            activity.SetTag("gen_ai.tool.type", "function");
            activity.SetTag("gen_ai.tool.description", function.Description);
            if (_options.EnableSensitiveData)
            {
                activity.SetTag("gen_ai.tool.call.arguments", ToolLoopJson.Serialize(pc.Call.Arguments));
            }
        }

        ToolLoopLog.InvokingTool(_logger, function.Name, callId);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            ToolLoopLog.InvokingToolSensitive(_logger, function.Name, callId, ToolLoopJson.Serialize(pc.Call.Arguments));
        }

        var timeout = _options.ToolTimeouts.TryGetValue(function.Name, out var perTool) ? perTool : _settings.ToolTimeout;
        using var timeoutSource = timeout is { } t && t != Timeout.InfiniteTimeSpan ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        timeoutSource?.CancelAfter(timeout!.Value);
        var previous = ToolInvocationContext.Current;
        ToolInvocationContext.Current = context;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var value = await function.InvokeAsync(arguments, timeoutSource?.Token ?? cancellationToken).ConfigureAwait(false);
            pc.Terminated = context.Terminate;
            ToolLoopLog.ToolCompleted(_logger, function.Name, callId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                ToolLoopLog.ToolCompletedSensitive(_logger, function.Name, callId, ToolLoopJson.Serialize(value));
            }

            if (_options.EnableSensitiveData)
            {
                activity?.SetTag("gen_ai.tool.call.result", ToolLoopJson.Serialize(value));
            }

            return new FunctionResultContent(callId, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pc.Terminated = context.Terminate;
            ToolLoopLog.ToolCancelled(_logger, function.Name, callId);
            activity?.SetTag("error.type", typeof(OperationCanceledException).FullName);
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            return new FunctionResultContent(callId, CancelledResult);
        }
        catch (OperationCanceledException) when (timeoutSource?.IsCancellationRequested == true)
        {
            pc.Failed = true;
            ToolLoopLog.ToolTimedOut(_logger, function.Name, callId, timeout!.Value);
            activity?.SetTag("error.type", typeof(TimeoutException).FullName);
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            return new FunctionResultContent(
                callId,
                $"Error: the tool '{function.Name}' did not finish within {timeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s and was cancelled.");
        }
#pragma warning disable CA1031 // A failing tool is reported to the model, whatever it threw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            pc.Failed = true;
            pc.Terminated = context.Terminate;
            ToolLoopLog.ToolFailed(_logger, function.Name, callId, ex);
            activity?.SetTag("error.type", ex.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var message = _settings.IncludeDetailedErrors
                ? $"Error: the tool '{function.Name}' failed: {ex.GetType().Name}: {ex.Message}"
                : $"Error: the tool '{function.Name}' failed.";
            return new FunctionResultContent(callId, message) { Exception = ex };
        }
        finally
        {
            ToolInvocationContext.Current = previous;
        }
    }
}
