using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>
/// The "execute" step (features 15, 18–20): gives a round's results one at a time, in call order, as each is ready, so
/// a streaming caller sees each result when its tool returns. Calls run one after another, or all at once up to the
/// degree cap when <see cref="ToolLoopOptions.AllowConcurrentInvocation"/> is on; errors and duplicates are answered
/// without running; approvals and returned calls get no result here.
/// </summary>
/// <remarks>One instance serves every round of a request, so a round costs no iterator of its own; a tool that completes synchronously costs no task.</remarks>
internal sealed class RoundExecutor(ToolInvoker invoker, ToolLoopOptions options, ILogger logger, List<PreparedCall> executed)
{
    private List<PreparedCall> _calls = [];
    private FunctionResultContent?[] _results = [];
    private Task<FunctionResultContent>?[]? _running;
    private int _next;
    private int _iteration;
    private Activity? _parent;

    public void Start(List<PreparedCall> calls, int iteration, bool concurrent, Activity? parent, CancellationToken cancellationToken)
    {
        _calls = calls;
        _next = 0;
        _iteration = iteration;
        _parent = parent;
        _results = calls.Count <= _results.Length ? _results : new FunctionResultContent?[Math.Max(calls.Count, 4)];
        Array.Clear(_results);
        _running = concurrent ? StartConcurrently(cancellationToken) : null;
    }

    /// <summary>The result of the next call that gets one, or <see langword="null"/> when the round is done.</summary>
    public ValueTask<FunctionResultContent?> NextAsync(CancellationToken cancellationToken)
    {
        while (_next < _calls.Count)
        {
            var index = _next++;
            var pc = _calls[index];
            switch (pc.Kind)
            {
                case PreparedCallKind.Approval or PreparedCallKind.Returned:
                    continue;
                case PreparedCallKind.Execute:
                    var pending = _running?[index] is { } task ? new ValueTask<FunctionResultContent>(task) : invoker.InvokeAsync(pc, _iteration, index, _parent, cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        return AwaitAsync(pending, pc, index);
                    }

                    return new(Executed(pc, index, pending.Result));
                default:
                    return new(Answer(pc, index));
            }
        }

        return new((FunctionResultContent?)null);
    }

    private async ValueTask<FunctionResultContent?> AwaitAsync(ValueTask<FunctionResultContent> pending, PreparedCall pc, int index)
        => Executed(pc, index, await pending.ConfigureAwait(false));

    private FunctionResultContent Executed(PreparedCall pc, int index, FunctionResultContent result)
    {
        pc.Result = result;
        executed.Add(pc);
        return _results[index] = result;
    }

    private FunctionResultContent Answer(PreparedCall pc, int index)
    {
        FunctionResultContent result;
        switch (pc.Kind)
        {
            case PreparedCallKind.Duplicate:
                var earlier = pc.DuplicateOf >= 0 ? _results[pc.DuplicateOf]! : pc.EarlierResult!;
                ToolLoopLog.DuplicateCall(logger, pc.Call.Name, pc.Call.CallId, pc.EarlierCallId!);
                result = new FunctionResultContent(pc.Call.CallId, ToolLoopNotices.Duplicate(pc.EarlierCallId!, earlier.Result));
                break;
            case PreparedCallKind.Answered:
                result = pc.Answer!;
                break;
            default:
                ToolLoopLog.CallRejected(logger, pc.Call.Name, pc.Call.CallId, pc.Error!);
                result = new FunctionResultContent(pc.Call.CallId, "Error: " + pc.Error);
                break;
        }

        return _results[index] = result;
    }

    private Task<FunctionResultContent>?[]? StartConcurrently(CancellationToken cancellationToken)
    {
        var runnable = 0;
        foreach (var pc in _calls)
        {
            runnable += pc.Kind == PreparedCallKind.Execute ? 1 : 0;
        }

        if (runnable < 2)
        {
            return null;
        }

#pragma warning disable CA2000 // Never disposed on purpose: it has no wait handle, and calls may outlive a stream the caller abandoned.
        var throttle = new SemaphoreSlim(options.MaximumDegreeOfParallelism);
#pragma warning restore CA2000
        var running = new Task<FunctionResultContent>?[_calls.Count];
        for (var i = 0; i < _calls.Count; i++)
        {
            if (_calls[i].Kind == PreparedCallKind.Execute)
            {
                var (pc, index, iteration, parent) = (_calls[i], i, _iteration, _parent);
                running[i] = Task.Run(() => invoker.InvokeThrottledAsync(pc, iteration, index, parent, throttle, cancellationToken), CancellationToken.None);
            }
        }

        return running;
    }
}
