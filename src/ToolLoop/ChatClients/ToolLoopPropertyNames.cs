namespace ToolLoop;

/// <summary>
/// Keys ToolLoop reads from and writes to <c>AdditionalProperties</c> dictionaries.
/// </summary>
/// <remarks>
/// Per-request overrides go in <c>ChatOptions.AdditionalProperties</c>; values may be CLR numbers/booleans,
/// strings, or <see cref="System.Text.Json.JsonElement"/>. The loop removes these keys from the options it
/// forwards to the inner client.
/// </remarks>
public static class ToolLoopPropertyNames
{
    /// <summary>Written to <c>ChatResponse.AdditionalProperties</c> and the final streaming update: one of <see cref="ToolLoopStopReasons"/>.</summary>
    public const string StopReason = "toolloop.stop_reason";

    /// <summary>Written next to <see cref="StopReason"/>: the number of rounds that executed at least one tool (an <see cref="int"/>).</summary>
    public const string Iterations = "toolloop.iterations";

    /// <summary>Set to <see langword="true"/> on the <c>AdditionalProperties</c> of a <c>TextContent</c> the loop wrote itself (a notice, not model output). Assistant notices are dropped when the history is replayed.</summary>
    public const string Notice = "toolloop.notice";

    /// <summary>Read from a <c>FunctionCallContent</c>: <see langword="true"/> when the parsing client repaired the call (for example closed a call cut off by the token limit).</summary>
    public const string Healed = "toolloop.healed";

    /// <summary>Read from a <c>FunctionCallContent</c>: the raw argument text as the model wrote it, used to heal arguments that failed to parse.</summary>
    public const string RawArguments = "toolloop.raw_arguments";

    /// <summary>Written on a <c>FunctionCallContent</c> or <c>ErrorContent</c> made from model text that could not be read as a call: the call's raw text.</summary>
    public const string RawText = "toolloop.raw";

    /// <summary>
    /// Written next to <see cref="RawText"/>: the <see cref="ToolCallProblemKind"/> name. On an <c>ErrorContent</c> (a call
    /// whose tool name could not be read) the loop tells the model what it wrote and that nothing ran.
    /// </summary>
    public const string ParseProblem = "toolloop.problem";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumIterations"/>.</summary>
    public const string MaximumIterations = "toolloop.max_iterations";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumConsecutiveErrors"/>.</summary>
    public const string MaximumConsecutiveErrors = "toolloop.max_consecutive_errors";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumDuplicateCalls"/>.</summary>
    public const string MaximumDuplicateCalls = "toolloop.max_duplicate_calls";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumTotalCalls"/>.</summary>
    public const string MaximumTotalCalls = "toolloop.max_total_calls";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumCallsPerRound"/>.</summary>
    public const string MaximumCallsPerRound = "toolloop.max_calls_per_round";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.AllowConcurrentInvocation"/>.</summary>
    public const string AllowConcurrentInvocation = "toolloop.allow_concurrent_invocation";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.IncludeDetailedErrors"/>.</summary>
    public const string IncludeDetailedErrors = "toolloop.include_detailed_errors";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumAnnouncementReprompts"/>.</summary>
    public const string MaximumAnnouncementReprompts = "toolloop.max_announcement_reprompts";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.MaximumToolResultLength"/>: a number of characters, <c>0</c> for no cap.</summary>
    public const string MaximumToolResultLength = "toolloop.max_tool_result_length";

    /// <summary>Per-request override of <see cref="ToolLoopOptions.ToolTimeout"/>: a <see cref="TimeSpan"/> or a number of seconds.</summary>
    public const string ToolTimeout = "toolloop.tool_timeout";
}
