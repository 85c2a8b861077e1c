namespace ToolLoop;

/// <summary>
/// The machine-readable reasons a <see cref="ToolLoopChatClient"/> ends a request. Every response carries
/// exactly one of these strings under <see cref="ToolLoopPropertyNames.StopReason"/> in
/// <c>ChatResponse.AdditionalProperties</c> (and on the final streaming update).
/// </summary>
/// <remarks>The set is fixed; new values are only added in a minor version and never renamed.</remarks>
public static class ToolLoopStopReasons
{
    /// <summary>The model answered without asking for (more) tools.</summary>
    public const string Completed = "completed";

    /// <summary><see cref="ToolLoopOptions.MaximumIterations"/> rounds ran; the model was told so and answered once more without tools.</summary>
    public const string IterationBudget = "iteration_budget";

    /// <summary><see cref="ToolLoopOptions.MaximumConsecutiveErrors"/> rounds in a row had a failing call; the model answered once more without tools.</summary>
    public const string ConsecutiveErrors = "consecutive_errors";

    /// <summary><see cref="ToolLoopOptions.MaximumDuplicateCalls"/> duplicate calls in a row (including repeating patterns such as A,B,A,B); the model answered once more without tools.</summary>
    public const string DuplicateCalls = "duplicate_calls";

    /// <summary><see cref="ToolLoopOptions.MaximumTotalCalls"/> was reached; the model answered once more without tools.</summary>
    public const string CallLimit = "call_limit";

    /// <summary>At least one call needs approval: the response ends with a <c>ToolApprovalRequestContent</c> per such call.</summary>
    public const string ApprovalPending = "approval_pending";

    /// <summary>A tool set <see cref="ToolInvocationContext.Terminate"/>.</summary>
    public const string Terminated = "terminated";

    /// <summary><see cref="ToolLoopOptions.RoundCompleted"/> set <see cref="ToolLoopRound.StopRequested"/>.</summary>
    public const string StoppedByHook = "stopped_by_hook";

    /// <summary>The caller's cancellation token fired; every call in the history has a (cancelled) result.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The model's final answer was cut off by the output token limit (<c>ChatFinishReason.Length</c>).</summary>
    public const string Truncated = "truncated";

    /// <summary>
    /// The model called a tool the loop cannot run: a declaration-only tool, or an unknown tool with
    /// <see cref="ToolLoopOptions.TerminateOnUnknownCalls"/>. That round's calls are returned unexecuted, without
    /// results, for the caller to answer in the next request (<c>ChatFinishReason.ToolCalls</c>).
    /// </summary>
    public const string CallsReturned = "calls_returned";

    /// <summary>
    /// The inner client reported that the prompt does not fit the model's context, and reducing the history with
    /// <see cref="ToolLoopOptions.ChatReducer"/> did not make it fit (or no reducer is set, or
    /// <see cref="ToolLoopOptions.MaximumContextOverflowRetries"/> were spent).
    /// </summary>
    public const string ContextOverflow = "context_overflow";
}
