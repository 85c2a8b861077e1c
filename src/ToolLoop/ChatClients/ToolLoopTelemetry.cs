using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// The loop's spans and metrics (feature 39), named as Microsoft.Extensions.AI's <c>FunctionInvokingChatClient</c> and
/// <c>OpenTelemetryChatClient</c> name theirs, after the OpenTelemetry GenAI semantic conventions: spans
/// <c>orchestrate_tools</c> and <c>execute_tool {name}</c>, metric <c>gen_ai.client.operation.duration</c> with
/// <c>gen_ai.operation.name</c> = <c>execute_tool</c> / <c>orchestrate_tools</c>.
/// </summary>
/// <remarks>
/// By default the source is borrowed from the inner pipeline (an <c>OpenTelemetryChatClient</c> beneath the loop), as
/// FICC does, and otherwise created under <see cref="ToolLoopOptions.DefaultSourceName"/>, the name M.E.AI users
/// already subscribe to. The meter always belongs to the loop, under the same name; its histogram has the same name,
/// unit, description and buckets as <c>OpenTelemetryChatClient</c>'s, so an OpenTelemetry SDK merges them into one
/// metric stream. Only what the loop created is disposed.
/// </remarks>
internal sealed class ToolLoopTelemetry : IDisposable
{
    public const string OrchestrateToolsName = "orchestrate_tools";
    public const string ExecuteToolName = "execute_tool";
    public const string OperationName = "gen_ai.operation.name";
    public const string ToolName = "gen_ai.tool.name";
    public const string ToolType = "gen_ai.tool.type";
    public const string ToolCallId = "gen_ai.tool.call.id";
    public const string ToolDescription = "gen_ai.tool.description";
    public const string ToolCallArguments = "gen_ai.tool.call.arguments";
    public const string ToolCallResult = "gen_ai.tool.call.result";
    public const string ErrorType = "error.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string StopReason = "toolloop.stop_reason";
    public const string Iterations = "toolloop.iterations";
    public const string OperationDurationName = "gen_ai.client.operation.duration";

    private static readonly double[] s_durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly bool _ownsSource;
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;

    public ToolLoopTelemetry(IChatClient inner, string? sourceName)
    {
        if (string.IsNullOrEmpty(sourceName) && inner.GetService(typeof(ActivitySource)) is ActivitySource borrowed)
        {
            Source = borrowed;
        }
        else
        {
            Source = new ActivitySource(string.IsNullOrEmpty(sourceName) ? ToolLoopOptions.DefaultSourceName : sourceName);
            _ownsSource = true;
        }

        _meter = new Meter(Source.Name);
        _duration = _meter.CreateHistogram(
            OperationDurationName,
            "s",
            "Measures the duration of a GenAI operation",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
    }

    public ActivitySource Source { get; }

    public bool DurationEnabled => _duration.Enabled;

    /// <summary>A start timestamp for a duration, or 0 when the metric has no listener (a clock read saved).</summary>
    public long StartTimestamp() => _duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Like FICC: no <c>orchestrate_tools</c> span inside an agent's or workflow's span, which already is one.</summary>
    public static bool InsideAgent => Activity.Current?.DisplayName is { } name && (IsOperation(name, "invoke_agent") || IsOperation(name, "invoke_workflow"));

    public Activity? StartOrchestrate()
        => InsideAgent || !Source.HasListeners() ? null : Source.StartActivity(OrchestrateToolsName, ActivityKind.Internal, default(ActivityContext), [new(OperationName, OrchestrateToolsName)]);

    public Activity? StartExecuteTool(AIFunction function, string callId, Activity? parent)
    {
        // Inside an agent span the tool span belongs to the agent's source, as in FICC.
        var agent = InsideAgent ? Activity.Current : null;
        var source = agent?.Source ?? Source;
        if (!source.HasListeners())
        {
            return null;
        }

        return source.StartActivity(
            ExecuteToolName + " " + function.Name,
            ActivityKind.Internal,
            agent?.Context ?? parent?.Context ?? default,
            [
                new(OperationName, ExecuteToolName),
                new(ToolType, "function"),
                new(ToolCallId, callId),
                new(ToolName, function.Name),
                new(ToolDescription, function.Description),
            ]);
    }

    /// <summary>Records a tool's duration; nothing when <paramref name="startTimestamp"/> is 0 (no clock was read: the metric had no listener then).</summary>
    public void RecordToolDuration(string toolName, long startTimestamp, string? errorType)
    {
        if (_duration.Enabled && startTimestamp != 0)
        {
            var tags = new TagList { { OperationName, ExecuteToolName }, { ToolName, toolName } };
            if (errorType is not null)
            {
                tags.Add(ErrorType, errorType);
            }

            _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    /// <summary>Records the loop's duration; nothing when <paramref name="startTimestamp"/> is 0 (as <see cref="RecordToolDuration"/>).</summary>
    public void RecordOrchestrateDuration(long startTimestamp, string stopReason, string? errorType)
    {
        if (_duration.Enabled && startTimestamp != 0)
        {
            var tags = new TagList { { OperationName, OrchestrateToolsName }, { StopReason, stopReason } };
            if (errorType is not null)
            {
                tags.Add(ErrorType, errorType);
            }

            _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    public void Dispose()
    {
        _meter.Dispose();
        if (_ownsSource)
        {
            Source.Dispose();
        }
    }

    private static bool IsOperation(string displayName, string operation)
        => displayName.StartsWith(operation, StringComparison.Ordinal) && (displayName.Length == operation.Length || displayName[operation.Length] == ' ');
}
