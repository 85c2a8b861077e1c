using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>The loop's log events (LoggerMessage source generator). Arguments and results are logged only at Trace.</summary>
internal static partial class ToolLoopLog
{
    [LoggerMessage(1, LogLevel.Debug, "Invoking tool {ToolName} (call {CallId}).")]
    public static partial void InvokingTool(ILogger logger, string toolName, string callId);

    [LoggerMessage(2, LogLevel.Trace, "Invoking tool {ToolName} (call {CallId}) with arguments {Arguments}.")]
    public static partial void InvokingToolSensitive(ILogger logger, string toolName, string callId, string arguments);

    [LoggerMessage(3, LogLevel.Debug, "Tool {ToolName} (call {CallId}) completed in {ElapsedMilliseconds} ms.")]
    public static partial void ToolCompleted(ILogger logger, string toolName, string callId, long elapsedMilliseconds);

    [LoggerMessage(4, LogLevel.Trace, "Tool {ToolName} (call {CallId}) returned {Result}.")]
    public static partial void ToolCompletedSensitive(ILogger logger, string toolName, string callId, string result);

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
}
