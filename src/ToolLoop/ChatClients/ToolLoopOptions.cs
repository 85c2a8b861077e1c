using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>Settings of a <see cref="ToolLoopChatClient"/>. Every setting has a documented default.</summary>
/// <remarks>
/// The client copies the options when it is constructed, so changing an instance afterwards has no effect on
/// clients already built from it. Instances are not thread-safe while being mutated. Numeric settings are checked
/// when they are set: an out-of-range value throws <see cref="ArgumentOutOfRangeException"/> on that line. Most
/// settings can be overridden per request through <c>ChatOptions.AdditionalProperties</c> with the keys in
/// <see cref="ToolLoopPropertyNames"/>.
/// </remarks>
public sealed class ToolLoopOptions
{
    /// <summary>
    /// The source name used when <see cref="SourceName"/> is not set and no <see cref="System.Diagnostics.ActivitySource"/>
    /// comes from the inner client: <c>"Experimental.Microsoft.Extensions.AI"</c>, the name Microsoft.Extensions.AI's
    /// <c>OpenTelemetryChatClient</c> uses, so an app that already subscribes to it sees the loop's spans and metrics.
    /// </summary>
    public const string DefaultSourceName = "Experimental.Microsoft.Extensions.AI";

    /// <summary>The default <see cref="MaximumToolResultLength"/>: 50,000 characters.</summary>
    public const int DefaultMaximumToolResultLength = 50_000;

    /// <summary>
    /// The number of rounds that executed at least one tool before the model is told the budget is spent and
    /// asked once more, without tools, for a final answer. <c>0</c> means a single call without tools.
    /// Default: <c>10</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumIterations
    {
        get;
        set => field = NotNegative(value);
    } = 10;

    /// <summary>The number of consecutive rounds with at least one failed call after which the loop stops (<see cref="ToolLoopStopReasons.ConsecutiveErrors"/>); <c>0</c> never stops for errors. Default: <c>3</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumConsecutiveErrors
    {
        get;
        set => field = NotNegative(value);
    } = 3;

    /// <summary>When <see langword="true"/>, the exception type and message of a failing tool are sent to the model; otherwise it gets a constant message and the detail goes to the log. Default: <see langword="false"/>.</summary>
    public bool IncludeDetailedErrors { get; set; }

    /// <summary>When <see langword="true"/>, the calls of one round (approved calls included) run concurrently, at most <see cref="MaximumDegreeOfParallelism"/> at a time; results are still appended in call order. Default: <see langword="false"/>.</summary>
    public bool AllowConcurrentInvocation { get; set; }

    /// <summary>The largest number of calls run at the same time when <see cref="AllowConcurrentInvocation"/> is on. Default: <c>4</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaximumDegreeOfParallelism
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one call must be able to run.");
    } = 4;

    /// <summary>
    /// The number of duplicate calls in a row (same name and canonically equal arguments as an earlier call of
    /// the request) after which the loop stops (<see cref="ToolLoopStopReasons.DuplicateCalls"/>); <c>0</c> never
    /// stops for duplicates. A duplicate is never re-executed: the model gets the earlier result with a note.
    /// Default: <c>2</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumDuplicateCalls
    {
        get;
        set => field = NotNegative(value);
    } = 2;

    /// <summary>The largest number of tool calls the model may make in one request; further calls are refused and the loop stops (<see cref="ToolLoopStopReasons.CallLimit"/>). Default: <c>128</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumTotalCalls
    {
        get;
        set => field = NotNegative(value);
    } = 128;

    /// <summary>The largest number of calls run from one model response; the rest get an error result asking the model to call them in the next round. Default: <c>16</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaximumCallsPerRound
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one call per round must be allowed.");
    } = 16;

    /// <summary>
    /// The time one tool call may take; <see langword="null"/> (or <see cref="Timeout.InfiniteTimeSpan"/>) means no
    /// limit. When it passes, the tool's token is cancelled and the loop stops waiting at once, even for a tool that
    /// ignores its token: the model gets a timeout result and the loop goes on. Such a tool keeps running in the
    /// background until it returns; its result or exception is discarded (and logged). Default: <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan? ToolTimeout
    {
        get;
        set => field = value is not { } t || t == Timeout.InfiniteTimeSpan || t > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A timeout must be positive.");
    }

    /// <summary>Per-tool timeouts by tool name (ordinal); an entry overrides <see cref="ToolTimeout"/> for that tool. Default: empty.</summary>
    public IDictionary<string, TimeSpan> ToolTimeouts { get; private set; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// The largest tool result, in characters of its text (a string as it is, anything else as JSON), that is sent to
    /// the model. A longer result reaches the model cut to this length, with a note saying how long it was; the
    /// caller still gets the full result in the response. <see langword="null"/> sends every result whole.
    /// Default: <see cref="DefaultMaximumToolResultLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? MaximumToolResultLength
    {
        get;
        set => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The cap must be at least one character.");
    } = DefaultMaximumToolResultLength;

    /// <summary>
    /// Called after every round with the round's calls and results; it may set
    /// <see cref="ToolLoopRound.StopRequested"/> to end the loop (<see cref="ToolLoopStopReasons.StoppedByHook"/>).
    /// Default: <see langword="null"/>.
    /// </summary>
    public Func<ToolLoopRound, CancellationToken, ValueTask>? RoundCompleted { get; set; }

    /// <summary>
    /// Invokes a tool in place of <c>AIFunction.InvokeAsync</c> (for example to add a policy, a retry or a sandbox);
    /// the loop still applies timeouts, the span, the logs and the error handling around it. The context carries the
    /// function and its arguments. Default: <see langword="null"/> (the function is invoked directly).
    /// </summary>
    public Func<ToolInvocationContext, CancellationToken, ValueTask<object?>>? FunctionInvoker { get; set; }

    /// <summary>
    /// Tools the loop may run although they are not in <c>ChatOptions.Tools</c> (so they are not advertised to the
    /// model in the request), for services that know their tools already. A tool of the same name in
    /// <c>ChatOptions.Tools</c> wins. The list is copied when the client is built. Default: <see langword="null"/>.
    /// </summary>
    public IList<AITool>? AdditionalTools { get; set; }

    /// <summary>
    /// When <see langword="true"/>, a call to a tool the loop does not know ends the loop instead of being answered
    /// with an "unknown tool" error: the response returns that round's calls unexecuted for the caller to answer
    /// (<see cref="ToolLoopStopReasons.CallsReturned"/>). Calls to a declaration-only tool (an
    /// <see cref="AIFunctionDeclaration"/> that is not an <see cref="AIFunction"/>) are always returned this way.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool TerminateOnUnknownCalls { get; set; }

    /// <summary>
    /// When set, the model writes its tool calls as text in this format, and the loop reads them itself: it puts a
    /// <see cref="ToolCallParsingChatClient"/> between itself and the inner client (the right order, which a
    /// pipeline built by hand can get wrong). <see langword="null"/> expects structured <see cref="FunctionCallContent"/>
    /// from the inner client (which may be a parsing client). Default: <see langword="null"/>.
    /// </summary>
    public ToolCallFormat? TextToolCalls { get; set; }

    /// <summary>
    /// How many times in a request the loop reduces the history with <see cref="ChatReducer"/> and retries after the
    /// inner client reports that the prompt does not fit its context (<see cref="IsContextOverflow"/>). When no reducer
    /// is set, the reducer cannot shorten the history any more, or the retries are spent, the loop stops with
    /// <see cref="ToolLoopStopReasons.ContextOverflow"/>. Default: <c>2</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumContextOverflowRetries
    {
        get;
        set => field = NotNegative(value);
    } = 2;

    /// <summary>
    /// Decides whether an exception from the inner client means the prompt is longer than the model's context.
    /// <see langword="null"/> uses <see cref="ContextOverflow.IsContextOverflow"/>, which knows OpenAI-style
    /// <c>context_length_exceeded</c> errors, llama.cpp and vLLM servers, and ToolLoop's local adapters.
    /// Default: <see langword="null"/>.
    /// </summary>
    public Func<Exception, bool>? IsContextOverflow { get; set; }

    /// <summary>
    /// How many times the model is re-prompted when it announces an action ("I'll search for…") but calls no
    /// tool. Re-prompts do not count as iterations. <c>0</c> turns the feature off; <c>2</c> is a good value for
    /// small local models. Default: <c>0</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumAnnouncementReprompts
    {
        get;
        set => field = NotNegative(value);
    }

    /// <summary>
    /// Decides whether a tool-less answer announces an action. <see langword="null"/> uses a built-in English
    /// heuristic (phrases such as "I'll", "I will", "Let me", "I'm going to" near the end of the text, not a
    /// question). Default: <see langword="null"/>.
    /// </summary>
    public Func<string, bool>? AnnouncementDetector { get; set; }

    /// <summary>
    /// When <see langword="true"/>, arguments from small models are repaired against the tool's JSON schema before
    /// validation (a bare value goes under the single required parameter, JSON sent as a string is parsed, strings
    /// are converted to numbers and booleans, an object cut off after a complete value is closed). Healing never
    /// completes a string value that was cut off. Default: <see langword="true"/>.
    /// </summary>
    public bool HealArguments { get; set; } = true;

    /// <summary>An optional reducer run on the history before every model call, and again on a context overflow; the loop keeps every call together with its result whatever the reducer drops. Default: <see langword="null"/>.</summary>
    public IChatReducer? ChatReducer { get; set; }

    /// <summary>Which reasoning is sent back to the model. Default: <see cref="ReasoningCarryMode.All"/>.</summary>
    public ReasoningCarryMode ReasoningCarry { get; set; }

    /// <summary>The logger factory for the loop's events (category <c>ToolLoop.ToolLoopChatClient</c>); <see langword="null"/> disables logging. Default: <see langword="null"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The services passed to tools through <c>AIFunctionArguments.Services</c>. Default: <see langword="null"/>.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>
    /// the loop's spans and metrics come from. <see langword="null"/>: the <c>ActivitySource</c> of the inner pipeline
    /// (an <c>OpenTelemetryChatClient</c> beneath the loop) when there is one, otherwise
    /// <see cref="DefaultSourceName"/>. Default: <see langword="null"/>.
    /// </summary>
    public string? SourceName { get; set; }

    /// <summary>When <see langword="true"/>, tool arguments and results are added to spans as <c>gen_ai.tool.call.arguments</c> / <c>gen_ai.tool.call.result</c> (only for spans whose listener asked for all data). Default: <see langword="false"/>.</summary>
    public bool EnableSensitiveData { get; set; }

    /// <summary>The settings of a request without per-request overrides, made once per client (set by <see cref="Clone"/>).</summary>
    internal ToolLoopSettings Settings { get; private set; } = null!;

    internal ToolLoopOptions Clone()
    {
        var clone = (ToolLoopOptions)MemberwiseClone();
        clone.ToolTimeouts = new Dictionary<string, TimeSpan>(ToolTimeouts, StringComparer.Ordinal);
        clone.AdditionalTools = AdditionalTools is null ? null : [.. AdditionalTools];
        clone.Settings = null!;
        clone.Settings = ToolLoopSettings.Create(clone, null);
        return clone;
    }

    private static int NotNegative(int value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "The value must not be negative.");
}
