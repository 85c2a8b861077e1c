using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ToolLoop;

/// <summary>
/// The agent loop as <see cref="IChatClient"/> middleware: calls the inner client, runs the
/// <see cref="AIFunction"/>s the model asks for (from <c>ChatOptions.Tools</c>), appends their results and calls
/// the model again, until the model answers or the loop stops for a stated reason
/// (<see cref="ToolLoopPropertyNames.StopReason"/>, one of <see cref="ToolLoopStopReasons"/>).
/// </summary>
/// <remarks>
/// <para>
/// The inner client must return tool calls as <see cref="FunctionCallContent"/>; for models that write calls as
/// text, set <see cref="ToolLoopOptions.TextToolCalls"/> (the loop then reads the markup itself) or put a
/// <see cref="ToolCallParsingChatClient"/> under this one. Calls with <see cref="FunctionCallContent.InformationalOnly"/>
/// set are passed through and not run.
/// </para>
/// <para>
/// Spans and metrics follow the OpenTelemetry GenAI conventions under <see cref="ToolLoopOptions.SourceName"/>
/// (by default the inner pipeline's <see cref="ActivitySource"/>, or <see cref="ToolLoopOptions.DefaultSourceName"/>).
/// Tools run on the thread pool (the loop awaits with <c>ConfigureAwait(false)</c>).
/// </para>
/// <para>
/// Stateless between requests: pending approvals live in the messages (a <see cref="ToolApprovalRequestContent"/>
/// in the response; the next request carries a <see cref="ToolApprovalResponseContent"/>). Instances are
/// thread-safe: concurrent requests share nothing but the immutable options.
/// </para>
/// </remarks>
public sealed class ToolLoopChatClient : DelegatingChatClient
{
    private readonly ToolLoopOptions _options;
    private readonly ILogger _logger;
    private readonly ToolLoopTelemetry _telemetry;

    /// <summary>Creates the loop over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">
    /// The client that talks to the model. Owned: disposed with this client. With
    /// <see cref="ToolLoopOptions.TextToolCalls"/> set, a <see cref="ToolCallParsingChatClient"/> is put over it.
    /// </param>
    /// <param name="options">The settings, copied now; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ToolLoopOptions.TextToolCalls"/> is set and a tool-invoking client is beneath.</exception>
    public ToolLoopChatClient(IChatClient innerClient, ToolLoopOptions? options = null)
        : base(WithParser(innerClient, options))
    {
        _options = options?.Clone() ?? new ToolLoopOptions().Clone();
        _logger = (ILogger?)_options.LoggerFactory?.CreateLogger<ToolLoopChatClient>() ?? NullLogger.Instance;
        _telemetry = new ToolLoopTelemetry(InnerClient, _options.SourceName);
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var run = new ToolLoopRun(InnerClient, _options, _logger, _telemetry, messages, options, streaming: false);
        await foreach (var _ in run.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            // Non-streaming, the run yields nothing: it builds the response's messages itself (ToolLoopRun.Output).
        }

        return new ChatResponse(run.Output)
        {
            ConversationId = run.ConversationId,
            FinishReason = run.FinishReason,
            Usage = run.Usage,
            ModelId = run.ModelId,
            ResponseId = run.ResponseId,
            AdditionalProperties = run.StopProperties(),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The stream is the run's own iterator (no layer per update); as with an async iterator, nothing runs and a
    /// <see langword="null"/> <paramref name="messages"/> is not reported until the stream is enumerated.
    /// </remarks>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => new ToolLoopRun(InnerClient, _options, _logger, _telemetry, messages, options, streaming: true).RunAsync(cancellationToken);

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ActivitySource) ? _telemetry.Source : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _telemetry.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IChatClient WithParser(IChatClient innerClient, ToolLoopOptions? options)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        return options?.TextToolCalls is { } format ? new ToolCallParsingChatClient(innerClient, new ToolCallParsingOptions { Format = format }) : innerClient;
    }
}
