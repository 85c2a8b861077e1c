using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>
/// Runs one tool call (features 10, 17–20, 35, 40): the invocation context, the <c>execute_tool</c> span, one log
/// line per event, the timeout that holds even for a tool that ignores its token, cancellation, the
/// <see cref="ToolLoopOptions.FunctionInvoker"/> hook, and the result or error text the model gets.
/// </summary>
/// <remarks>
/// Awaits use <c>ConfigureAwait(false)</c>: a tool runs on whatever thread completed the step before it, usually the
/// thread pool (a UI tool must marshal to its own context). Thread-safe: one instance serves a request's calls,
/// concurrently when <see cref="ToolLoopOptions.AllowConcurrentInvocation"/> is on.
/// </remarks>
internal sealed class ToolInvoker(ToolLoopOptions options, ToolLoopSettings settings, ILogger logger, ToolLoopTelemetry telemetry, bool streaming)
{
    public const string CancelledResult = "Cancelled: the request was cancelled before this call finished.";

    /// <summary>Runs <paramref name="pc"/>, waiting for a slot of <paramref name="throttle"/> first (concurrent rounds).</summary>
    public async Task<FunctionResultContent> InvokeThrottledAsync(PreparedCall pc, int iteration, int index, Activity? parent, SemaphoreSlim throttle, CancellationToken cancellationToken)
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
            return await InvokeAsync(pc, iteration, index, parent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            throttle.Release();
        }
    }

    public async ValueTask<FunctionResultContent> InvokeAsync(PreparedCall pc, int iteration, int index, Activity? parent, CancellationToken cancellationToken)
    {
        var function = pc.Function!;
        var callId = pc.Call.CallId;
        if (cancellationToken.IsCancellationRequested)
        {
            return new FunctionResultContent(callId, CancelledResult);
        }

        var arguments = new AIFunctionArguments(pc.Call.Arguments) { Services = options.Services };
        var context = new ToolInvocationContext(function, pc.Call, arguments, iteration, index, streaming);
        arguments.Context = new InvocationContextDictionary(context);

        using var activity = telemetry.StartExecuteTool(function, callId, parent);
        var sensitiveSpan = options.EnableSensitiveData && activity is { IsAllDataRequested: true };
        var trace = logger.IsEnabled(LogLevel.Trace);
        if (sensitiveSpan || trace)
        {
            var json = ToolLoopJson.Serialize(pc.Call.Arguments);
            if (sensitiveSpan)
            {
                activity!.SetTag(ToolLoopTelemetry.ToolCallArguments, json);
            }

            if (trace)
            {
                ToolLoopLog.InvokingToolSensitive(logger, function.Name, callId, json);
            }
        }
        else
        {
            ToolLoopLog.InvokingTool(logger, function.Name, callId);
        }

        var timeout = options.ToolTimeouts.Count > 0 && options.ToolTimeouts.TryGetValue(function.Name, out var perTool) ? perTool : settings.ToolTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = null;
        }

        using var timeoutSource = timeout is not null ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        timeoutSource?.CancelAfter(timeout!.Value);
        var token = timeoutSource?.Token ?? cancellationToken;
        var previous = ToolInvocationContext.Current;
        ToolInvocationContext.Current = context;

        // A clock read costs about as much as the rest of the wrapper: taken only for a log line or the metric that wants it.
        var debug = trace || logger.IsEnabled(LogLevel.Debug);
        var started = debug || telemetry.DurationEnabled ? Stopwatch.GetTimestamp() : 0;
        Task<object?>? running = null;
        try
        {
            object? value;
            if (timeout is not null)
            {
                // On a pool thread, so that even a tool that blocks its thread cannot hold the loop past its timeout.
                running = RunOnPool(context, token);
                value = await running.WaitAsync(token).ConfigureAwait(false);
            }
            else
            {
                var invocation = InvokeFunctionAsync(context, token);
                if (invocation.IsCompleted || !token.CanBeCanceled)
                {
                    value = await invocation.ConfigureAwait(false);
                }
                else
                {
                    // Cancellation stops the wait at once, whether or not the tool watches its token.
                    running = invocation.AsTask();
                    value = await running.WaitAsync(token).ConfigureAwait(false);
                }
            }

            pc.Terminated = context.Terminate;
            var resultJson = sensitiveSpan || trace ? ToolLoopJson.Serialize(value is FunctionResultContent frc ? frc.Result : value) : null;
            if (sensitiveSpan)
            {
                activity!.SetTag(ToolLoopTelemetry.ToolCallResult, resultJson);
            }

            if (trace)
            {
                ToolLoopLog.ToolCompletedSensitive(logger, function.Name, callId, Stopwatch.GetElapsedTime(started), resultJson!);
            }
            else if (debug)
            {
                ToolLoopLog.ToolCompleted(logger, function.Name, callId, Stopwatch.GetElapsedTime(started));
            }

            telemetry.RecordToolDuration(function.Name, started, null);
            return value is FunctionResultContent own && own.CallId == callId ? own : new FunctionResultContent(callId, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pc.Terminated = context.Terminate;
            Abandon(running, function.Name, callId);
            ToolLoopLog.ToolCancelled(logger, function.Name, callId);
            Fail(activity, typeof(OperationCanceledException).FullName!, "cancelled");
            telemetry.RecordToolDuration(function.Name, started, typeof(OperationCanceledException).FullName);
            return new FunctionResultContent(callId, CancelledResult);
        }
        catch (OperationCanceledException) when (timeoutSource?.IsCancellationRequested == true)
        {
            pc.Failed = true;
            Abandon(running, function.Name, callId);
            ToolLoopLog.ToolTimedOut(logger, function.Name, callId, timeout!.Value);
            Fail(activity, typeof(TimeoutException).FullName!, "timeout");
            telemetry.RecordToolDuration(function.Name, started, typeof(TimeoutException).FullName);
            return new FunctionResultContent(
                callId,
                $"Error: the tool '{function.Name}' did not finish within {timeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s and was cancelled.")
            {
                Exception = new TimeoutException($"The tool '{function.Name}' did not finish within {timeout.Value}."),
            };
        }
#pragma warning disable CA1031 // A failing tool is reported to the model, whatever it threw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            pc.Failed = true;
            pc.Terminated = context.Terminate;
            ToolLoopLog.ToolFailed(logger, function.Name, callId, ex);
            Fail(activity, ex.GetType().FullName!, ex.Message);
            telemetry.RecordToolDuration(function.Name, started, ex.GetType().FullName);
            var message = settings.IncludeDetailedErrors
                ? $"Error: the tool '{function.Name}' failed: {ex.GetType().Name}: {ex.Message}"
                : $"Error: the tool '{function.Name}' failed.";
            return new FunctionResultContent(callId, message) { Exception = ex };
        }
        finally
        {
            ToolInvocationContext.Current = previous;
        }
    }

    private static void Fail(Activity? activity, string errorType, string description)
    {
        activity?.SetTag(ToolLoopTelemetry.ErrorType, errorType);
        activity?.SetStatus(ActivityStatusCode.Error, description);
    }

    /// <summary>A separate method, so that the closure exists only for calls with a timeout.</summary>
    private Task<object?> RunOnPool(ToolInvocationContext context, CancellationToken token)
        => Task.Run(() => InvokeFunctionAsync(context, token).AsTask(), CancellationToken.None);

    private ValueTask<object?> InvokeFunctionAsync(ToolInvocationContext context, CancellationToken cancellationToken)
        => options.FunctionInvoker is { } invoker
            ? invoker(context, cancellationToken)
            : context.Function.InvokeAsync(context.Arguments, cancellationToken);

    /// <summary>A tool that did not stop when asked keeps running; its outcome is only logged, never unobserved.</summary>
    private void Abandon(Task<object?>? running, string toolName, string callId)
    {
        if (running is null || running.IsCompleted)
        {
            return;
        }

        ToolLoopLog.ToolAbandoned(logger, toolName, callId);
        _ = running.ContinueWith(
            static (t, state) =>
            {
                var (log, name, id) = ((ILogger, string, string))state!;
                if (t.Exception is { } ex)
                {
                    ToolLoopLog.AbandonedToolFailed(log, name, id, ex.GetBaseException());
                }
            },
            (logger, toolName, callId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
