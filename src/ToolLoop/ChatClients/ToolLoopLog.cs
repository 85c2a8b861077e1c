using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>The loop's log events (LoggerMessage source generator). Arguments and results are logged only at Trace, in place of the Debug line.</summary>
internal static partial class ToolLoopLog
{
    [LoggerMessage(1, LogLevel.Debug, "Invoking tool {ToolName} (call {CallId}).")]
    public static partial void InvokingTool(ILogger logger, string toolName, string callId);

    [LoggerMessage(2, LogLevel.Trace, "Invoking tool {ToolName} (call {CallId}) with arguments {Arguments}.")]
    public static partial void InvokingToolSensitive(ILogger logger, string toolName, string callId, string arguments);

    [LoggerMessage(3, LogLevel.Debug, "Tool {ToolName} (call {CallId}) completed in {Duration}.")]
    public static partial void ToolCompleted(ILogger logger, string toolName, string callId, TimeSpan duration);

    [LoggerMessage(4, LogLevel.Trace, "Tool {ToolName} (call {CallId}) completed in {Duration} and returned {Result}.")]
    public static partial void ToolCompletedSensitive(ILogger logger, string toolName, string callId, TimeSpan duration, string result);

    [LoggerMessage(5, LogLevel.Warning, "Tool {ToolName} (call {CallId}) failed.")]
    public static partial void ToolFailed(ILogger logger, string toolName, string callId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Tool {ToolName} (call {CallId}) timed out after {Timeout}.")]
    public static partial void ToolTimedOut(ILogger logger, string toolName, string callId, TimeSpan timeout);

    [LoggerMessage(7, LogLevel.Debug, "Tool {ToolName} (call {CallId}) was cancelled.")]
    public static partial void ToolCancelled(ILogger logger, string toolName, string callId);

    [LoggerMessage(8, LogLevel.Debug, "Call {CallId} to {ToolName} was not run: {Problem}")]
    public static partial void CallRejected(ILogger logger, string toolName, string callId, string problem);

    [LoggerMessage(9, LogLevel.Debug, "Call {CallId} to {ToolName} duplicates call {EarlierCallId}; not run again.")]
    public static partial void DuplicateCall(ILogger logger, string toolName, string callId, string earlierCallId);

    [LoggerMessage(10, LogLevel.Information, "Tool loop stopped: {StopReason} after {Iterations} iteration(s).")]
    public static partial void LoopStopped(ILogger logger, string stopReason, int iterations);

    [LoggerMessage(11, LogLevel.Debug, "Call {CallId} to {ToolName} needs approval.")]
    public static partial void ApprovalRequested(ILogger logger, string toolName, string callId);

    [LoggerMessage(12, LogLevel.Debug, "Re-prompting the model after an announced action without a call ({Attempt}).")]
    public static partial void Reprompting(ILogger logger, int attempt);

    [LoggerMessage(13, LogLevel.Warning, "Tool {ToolName} (call {CallId}) did not stop when cancelled; the loop moved on and it keeps running in the background.")]
    public static partial void ToolAbandoned(ILogger logger, string toolName, string callId);

    [LoggerMessage(14, LogLevel.Warning, "Abandoned tool {ToolName} (call {CallId}) failed after the loop moved on.")]
    public static partial void AbandonedToolFailed(ILogger logger, string toolName, string callId, Exception exception);

    [LoggerMessage(15, LogLevel.Debug, "The model wrote a tool call that could not be read and names no tool ({Problem}); the model is told.")]
    public static partial void UnreadableCall(ILogger logger, string problem);

    [LoggerMessage(16, LogLevel.Warning, "The prompt does not fit the model's context; reducing the history and retrying ({Attempt}).")]
    public static partial void ReducingAfterOverflow(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(17, LogLevel.Debug, "Call {CallId} to {ToolName} is returned to the caller unexecuted ({Reason}).")]
    public static partial void CallReturned(ILogger logger, string toolName, string callId, string reason);

    [LoggerMessage(18, LogLevel.Debug, "The result of call {CallId} ({Length} characters) was cut to {Limit} characters for the model.")]
    public static partial void ResultCapped(ILogger logger, string callId, int length, int limit);
}
