using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>
/// The local-model pipeline written once for every runtime: render the model's template with data/framing
/// segments → tokenize (framing normally, data literally) → reuse the longest cached prefix → generate with
/// sampling, stop sequences, limits and cancellation → decode UTF-8 pieces → parse tool calls and reasoning → M.E.AI
/// updates with usage. A runtime supplies an <see cref="ILocalModel"/> and an <see cref="ILocalSession"/>.
/// </summary>
/// <remarks>
/// The pipeline is compiled into each adapter assembly from shared source (internal types), so adapters share
/// the code without any internal API crossing a package boundary, and each package version carries the
/// pipeline it was tested with. One request runs at a time (a request holds the session from prefill until its
/// last update is consumed or its enumeration is disposed); others wait for the gate, cancellably.
/// </remarks>
internal sealed class LocalChatPipeline : IDisposable
{
    /// <summary>A streaming request evaluates at most this many prompt tokens inline (the cost of a few generated tokens).</summary>
    private const int InlinePrefillTokens = 8;

    private readonly ILocalModel _model;
    private readonly ILocalSession _session;
    private readonly LocalPipelineOptions _options;
    private readonly Func<RenderedPrompt, IReadOnlyList<AIFunctionDeclaration>, IModelOutputParser> _parserFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LocalStatistics _statistics = new(0, 0, 0, 0, 0);
    private volatile bool _disposed;
    private int _sessionDisposed;

    public LocalChatPipeline(ILocalModel model, ILocalSession session, LocalPipelineOptions options)
    {
        _model = model;
        _session = session;
        _options = options;
        ToolCallFormat format = options.Format;
        _parserFactory = options.ParserFactory ?? ((prompt, tools) => new ToolLoopOutputParser(format, tools, prompt.GenerationPrefix));
    }

    /// <summary>The context size in tokens.</summary>
    public int ContextSize => _session.ContextSize;

    /// <summary>Token counts of the most recent request; updated after prefill and when a request ends.</summary>
    public LocalStatistics Statistics => Volatile.Read(ref _statistics);

    /// <summary>The session (for adapters and tests that look at the runtime).</summary>
    public ILocalSession Session => _session;

    public bool IsDisposed => _disposed;

    /// <summary>Renders the prompt of a request: instructions merged, only declared functions (none for <see cref="ChatToolMode.None"/>).</summary>
    public RenderedPrompt RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options, out IReadOnlyList<AIFunctionDeclaration> tools)
    {
        List<ChatMessage> history = WithInstructions(messages, options);
        tools = options?.ToolMode is NoneChatToolMode
            ? []
            : [.. options?.Tools?.OfType<AIFunctionDeclaration>() ?? []];
        ChatOptions renderOptions = options?.Clone() ?? new ChatOptions();
        renderOptions.Tools = tools.Count == 0 ? null : [.. tools];
        return _options.Renderer.Render(history, renderOptions);
    }

    /// <summary>Tokenizes a rendered prompt the way a request does.</summary>
    public int[] Tokenize(RenderedPrompt prompt) => _model.TokenizePrompt(prompt.Segments);

    // Non-streaming: the same run, its contents gathered into one update (not one per token), which M.E.AI's
    // ToChatResponse turns into the same response the per-token updates would (same order, same coalescing).
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        => RunAsync(messages, options, perToken: false, cancellationToken).ToChatResponseAsync(cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        => RunAsync(messages, options, perToken: true, cancellationToken);

    private async IAsyncEnumerable<ChatResponseUpdate> RunAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        bool perToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(_disposed, _options.ClientType);

        RenderedPrompt prompt = RenderPrompt(messages, options, out IReadOnlyList<AIFunctionDeclaration> tools);
        int[] tokens = Tokenize(prompt);
        var settings = new GenerationSettings(
            options?.Temperature,
            options?.TopP,
            options?.TopK,
            options?.Seed,
            options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens,
            options?.StopSequences,
            _options.GrammarSelector?.Invoke(new GrammarRequest(options, tools, _options.Format, prompt)));
        using IModelOutputParser parser = _parserFactory(prompt, tools);
        string responseId = _options.ResponseIdPrefix + Guid.NewGuid().ToString("N");
        DateTimeOffset created = DateTimeOffset.UtcNow;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, _options.ClientType);
            using var run = new GenerationRun(_model, _session, settings);
            // A prompt is evaluated on the thread pool, so the caller is not blocked for it. A streaming request whose
            // prompt is nearly all cached (the usual next request of a conversation) evaluates the rest inline instead,
            // as the tokens after it are evaluated on the consumer's thread anyway: no thread hop for a few tokens.
            if (perToken && tokens.Length > 0 && run.TokensToEvaluate(tokens) <= InlinePrefillTokens)
            {
                cancellationToken.ThrowIfCancellationRequested(); // as Task.Run would, before any work
                run.Prefill(tokens, _options.PromptTooLong, cancellationToken);
            }
            else
            {
                await Task.Run(() => run.Prefill(tokens, _options.PromptTooLong, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            Publish(run);

            var contents = new List<AIContent>();
            bool sawCall = false;
            while (run.Step(out string text, cancellationToken))
            {
                if (text.Length == 0)
                {
                    continue;
                }

                parser.Append(text, contents);
                if (perToken && contents.Count > 0)
                {
                    sawCall |= contents.Exists(c => c is FunctionCallContent);
                    yield return Update(contents, responseId, created, null);
                    contents = [];
                }
            }

            string tail = run.Flush();
            if (tail.Length > 0)
            {
                parser.Append(tail, contents);
            }

            parser.Complete(contents);
            sawCall |= contents.Exists(c => c is FunctionCallContent);
            Publish(run);
            contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = run.PromptTokens,
                OutputTokenCount = run.OutputTokens,
                TotalTokenCount = run.PromptTokens + run.OutputTokens,
                CachedInputTokenCount = run.PromptTokensReused,
            }));
            ChatFinishReason finish = sawCall ? ChatFinishReason.ToolCalls : run.FinishReason ?? ChatFinishReason.Stop;
            yield return Update(contents, responseId, created, finish);
        }
        finally
        {
            if (_disposed)
            {
                DisposeSession();
            }

            _gate.Release();
        }
    }

    /// <summary>
    /// Frees the session (and runs <see cref="LocalPipelineOptions.OnDisposed"/>). A request in progress finishes
    /// first: the resources are freed when it ends.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_gate.Wait(0))
        {
            DisposeSession();
            _gate.Release();
        }
    }

    private static List<ChatMessage> WithInstructions(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        List<ChatMessage> history = [.. messages];
        if (string.IsNullOrEmpty(options?.Instructions))
        {
            return history;
        }

        if (history.Count > 0 && history[0].Role == ChatRole.System)
        {
            history[0] = new ChatMessage(ChatRole.System, options.Instructions + "\n\n" + history[0].Text);
        }
        else
        {
            history.Insert(0, new ChatMessage(ChatRole.System, options.Instructions));
        }

        return history;
    }

    private ChatResponseUpdate Update(List<AIContent> contents, string responseId, DateTimeOffset created, ChatFinishReason? finishReason) => new(ChatRole.Assistant, contents)
    {
        ResponseId = responseId,
        MessageId = responseId,
        ModelId = _options.ModelId,
        CreatedAt = created,
        FinishReason = finishReason,
    };

    private void Publish(GenerationRun run) => Volatile.Write(ref _statistics, new LocalStatistics(
        run.PromptTokens,
        run.PromptTokensReused,
        run.PromptTokens - run.PromptTokensReused,
        run.OutputTokens,
        _session.TotalTokensDecoded));

    private void DisposeSession()
    {
        if (Interlocked.Exchange(ref _sessionDisposed, 1) == 0)
        {
            _session.Dispose();
            _options.OnDisposed?.Invoke();
        }
    }
}
