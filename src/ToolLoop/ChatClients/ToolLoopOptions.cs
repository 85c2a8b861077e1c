using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>Settings of a <see cref="ToolLoopChatClient"/>. Every setting has a documented default.</summary>
/// <remarks>
/// The client copies the options when it is constructed, so changing an instance afterwards has no effect on
/// clients already built from it. Instances are not thread-safe while being mutated. Most settings can be
/// overridden per request through <c>ChatOptions.AdditionalProperties</c> with the keys in
/// <see cref="ToolLoopPropertyNames"/>.
/// </remarks>
public sealed class ToolLoopOptions
{
    /// <summary>The default <see cref="ActivitySourceName"/>: <c>"ToolLoop"</c>.</summary>
    public const string DefaultActivitySourceName = "ToolLoop";

    /// <summary>
    /// The number of rounds that executed at least one tool before the model is told the budget is spent and
    /// asked once more, without tools, for a final answer. <c>0</c> means a single call without tools.
    /// Default: <c>10</c>.
    /// </summary>
    public int MaximumIterations { get; set; } = 10;

    /// <summary>The number of consecutive rounds with at least one failed call after which the loop stops (<see cref="ToolLoopStopReasons.ConsecutiveErrors"/>). Default: <c>3</c>.</summary>
    public int MaximumConsecutiveErrors { get; set; } = 3;

    /// <summary>When <see langword="true"/>, the exception type and message of a failing tool are sent to the model; otherwise it gets a constant message and the detail goes to the log. Default: <see langword="false"/>.</summary>
    public bool IncludeDetailedErrors { get; set; }

    /// <summary>When <see langword="true"/>, the calls of one round run concurrently (at most <see cref="MaxDegreeOfParallelism"/> at a time); results are still appended in call order. Default: <see langword="false"/>.</summary>
    public bool AllowConcurrentInvocation { get; set; }

    /// <summary>The largest number of calls run at the same time when <see cref="AllowConcurrentInvocation"/> is on. Default: <c>4</c>.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 4;

    /// <summary>
    /// The number of duplicate calls in a row (same name and canonically equal arguments as an earlier call of
    /// the request) after which the loop stops (<see cref="ToolLoopStopReasons.DuplicateCalls"/>). A duplicate is
    /// never re-executed: the model gets the earlier result with a note. Default: <c>2</c>.
    /// </summary>
    public int MaximumDuplicateCalls { get; set; } = 2;

    /// <summary>The largest number of tool calls the model may make in one request; further calls are refused and the loop stops (<see cref="ToolLoopStopReasons.CallLimit"/>). Default: <c>128</c>.</summary>
    public int MaximumTotalCalls { get; set; } = 128;

    /// <summary>The largest number of calls run from one model response; the rest get an error result asking the model to call them in the next round. Default: <c>16</c>.</summary>
    public int MaximumCallsPerRound { get; set; } = 16;

    /// <summary>The time one tool call may take before it is cancelled and the model gets a timeout error; <see langword="null"/> means no limit. Default: <see langword="null"/>.</summary>
    public TimeSpan? ToolTimeout { get; set; }

    /// <summary>Per-tool timeouts by tool name (ordinal); an entry overrides <see cref="ToolTimeout"/> for that tool. Default: empty.</summary>
    public IDictionary<string, TimeSpan> ToolTimeouts { get; private set; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// Called after every round with the round's calls and results; it may set
    /// <see cref="ToolLoopRound.StopRequested"/> to end the loop (<see cref="ToolLoopStopReasons.StoppedByHook"/>).
    /// Default: <see langword="null"/>.
    /// </summary>
    public Func<ToolLoopRound, CancellationToken, ValueTask>? RoundCompleted { get; set; }

    /// <summary>
    /// How many times the model is re-prompted when it announces an action ("I'll search for…") but calls no
    /// tool. Re-prompts do not count as iterations. <c>0</c> turns the feature off; <c>2</c> is a good value for
    /// small local models. Default: <c>0</c>.
    /// </summary>
    public int MaximumAnnouncementReprompts { get; set; }

    /// <summary>
    /// Decides whether a tool-less answer announces an action. <see langword="null"/> uses a built-in English
    /// heuristic (phrases such as "I'll", "I will", "Let me", "I'm going to" near the end of the text, not a
    /// question). Default: <see langword="null"/>.
    /// </summary>
    public Func<string, bool>? AnnouncementDetector { get; set; }

    /// <summary>When <see langword="true"/>, arguments from small models are repaired against the tool's JSON schema before validation (a bare value goes under the single required parameter, JSON sent as a string is parsed, strings are converted to numbers and booleans). Default: <see langword="true"/>.</summary>
    public bool HealArguments { get; set; } = true;

    /// <summary>An optional reducer run on the history before every model call; the loop keeps every call together with its result whatever the reducer drops. Default: <see langword="null"/>.</summary>
    public IChatReducer? ChatReducer { get; set; }

    /// <summary>Which reasoning is sent back to the model. Default: <see cref="ReasoningCarryMode.All"/>.</summary>
    public ReasoningCarryMode ReasoningCarry { get; set; }

    /// <summary>The logger factory for the loop's events (category <c>ToolLoop.ToolLoopChatClient</c>); <see langword="null"/> disables logging. Default: <see langword="null"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The services passed to tools through <c>AIFunctionArguments.Services</c>. Default: <see langword="null"/>.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> the loop's spans come from. Default: <see cref="DefaultActivitySourceName"/>.</summary>
    public string ActivitySourceName { get; set; } = DefaultActivitySourceName;

    /// <summary>When <see langword="true"/>, tool arguments and results are added to spans as <c>gen_ai.tool.call.arguments</c> / <c>gen_ai.tool.call.result</c>. Default: <see langword="false"/>.</summary>
    public bool EnableSensitiveData { get; set; }

    internal ToolLoopOptions Clone()
    {
        var clone = (ToolLoopOptions)MemberwiseClone();
        clone.ToolTimeouts = new Dictionary<string, TimeSpan>(ToolTimeouts, StringComparer.Ordinal);
        return clone;
    }
}
