using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Internal;

namespace ToolLoop.LlamaCpp;

/// <summary>
/// A local GGUF model, run by llama.cpp, as an <see cref="IChatClient"/>. The prompt is rendered from the
/// conversation and the declared tools; the output is parsed as it streams, so tool calls arrive as
/// <see cref="FunctionCallContent"/> and reasoning as <see cref="TextReasoningContent"/>. Wrap it with
/// ToolLoop's <c>AsToolLoop()</c> to run agents.
/// </summary>
/// <remarks>
/// <para>
/// Each client owns one llama.cpp context (one KV cache). Concurrent calls on one client are safe but
/// <b>wait their turn</b>: a request holds the context from prefill until its last update is consumed
/// (or its enumeration is disposed). Use one client per concurrent conversation; several clients can
/// share one <see cref="LlamaModel"/>.
/// </para>
/// <para>
/// When a prompt extends the previous request's prompt (as in a tool loop), only the new tokens are
/// decoded; otherwise the cache is trimmed to the common prefix. <see cref="Statistics"/> reports it.
/// </para>
/// <para>
/// Options honoured from <see cref="ChatOptions"/>: <see cref="ChatOptions.Temperature"/> (unset or 0:
/// greedy), <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/>,
/// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.StopSequences"/>,
/// <see cref="ChatOptions.Instructions"/>, <see cref="ChatOptions.Tools"/> and
/// <see cref="ChatOptions.ToolMode"/> (<see cref="ChatToolMode.None"/> declares no tools).
/// Cancellation is checked between tokens and inside decoding through llama.cpp's abort callback.
/// </para>
/// </remarks>
public sealed class LlamaCppChatClient : IChatClient
{
    private readonly bool _ownsModel;
    private readonly LlamaSession _session;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IPromptRenderer _renderer;
    private readonly Func<RenderedPrompt, IReadOnlyList<AIFunctionDeclaration>, IModelOutputParser> _parserFactory;
    private readonly int? _defaultMaxOutputTokens;
    private readonly string _modelId;
    private LlamaCppStatistics _statistics = new(0, 0, 0, 0, 0);
    private volatile bool _disposed;
    private int _sessionDisposed;

    /// <summary>Loads <see cref="LlamaCppChatClientOptions.ModelPath"/> and creates a client that owns the model.</summary>
    /// <param name="options">The settings; <see cref="LlamaCppChatClientOptions.ModelPath"/> is required.</param>
    /// <exception cref="ArgumentException">No model path is set.</exception>
    /// <exception cref="LlamaCppException">The libraries or the model could not be loaded.</exception>
    public LlamaCppChatClient(LlamaCppChatClientOptions options)
        : this(LoadModel(options), options, ownsModel: true, renderer: null, parserFactory: null)
    {
    }

    /// <summary>Creates a client on a shared model. The model stays owned by the caller; dispose it after its clients.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">Context and generation settings; <see langword="null"/> for defaults.</param>
    /// <exception cref="LlamaCppException">The context could not be created.</exception>
    public LlamaCppChatClient(LlamaModel model, LlamaCppChatClientOptions? options = null)
        : this(model, options ?? new LlamaCppChatClientOptions(), ownsModel: false, renderer: null, parserFactory: null)
    {
    }

    internal LlamaCppChatClient(
        LlamaModel model,
        LlamaCppChatClientOptions options,
        bool ownsModel,
        IPromptRenderer? renderer,
        Func<RenderedPrompt, IReadOnlyList<AIFunctionDeclaration>, IModelOutputParser>? parserFactory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        Model = model;
        _ownsModel = ownsModel;
        int threads = options.ThreadCount ?? Math.Max(1, Environment.ProcessorCount / 2);
        try
        {
            _session = new LlamaSession(model, new LlamaSessionOptions(options.ContextSize, options.BatchSize, threads, options.BatchThreadCount ?? threads));
        }
        catch
        {
            if (ownsModel)
            {
                model.Dispose();
            }

            throw;
        }

        ChatTemplate = options.ChatTemplate ?? model.ChatTemplate;
        ToolCallFormat = options.ToolCallFormat ?? ToolCallFormats.FromChatTemplate(ChatTemplate);
        _renderer = renderer ?? CreateRenderer(model, ChatTemplate, ToolCallFormat, options);
        _parserFactory = parserFactory ?? ((prompt, tools) => new ToolLoopOutputParser(ToolCallFormat, tools, prompt.GenerationPrefix));
        _defaultMaxOutputTokens = options.MaxOutputTokens;
        _modelId = options.ModelId ?? model.GetMetadata("general.name") ?? Path.GetFileNameWithoutExtension(model.Path);
        Metadata = new ChatClientMetadata("llama.cpp", null, _modelId);
    }

    /// <summary>The model this client generates with.</summary>
    public LlamaModel Model { get; }

    /// <summary>The chat template used to render prompts (the option, else the GGUF's), or <see langword="null"/> if there is none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The tool-call markup parsed from the output (the option, else detected from <see cref="ChatTemplate"/>).</summary>
    public ToolCallFormat ToolCallFormat { get; }

    /// <summary>The context size in tokens.</summary>
    public int ContextSize => _session.ContextSize;

    /// <summary>Token counts of the most recent request (see <see cref="LlamaCppStatistics"/>); updated when a request ends.</summary>
    public LlamaCppStatistics Statistics => Volatile.Read(ref _statistics);

    /// <summary>Provider name <c>llama.cpp</c> and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(_disposed, this);

        RenderedPrompt prompt = RenderPrompt(messages, options, out IReadOnlyList<AIFunctionDeclaration> tools);
        int[] tokens = Tokenize(prompt);
        var settings = new GenerationSettings(
            options?.Temperature,
            options?.TopP,
            options?.TopK,
            options?.Seed,
            options?.MaxOutputTokens ?? _defaultMaxOutputTokens,
            options?.StopSequences);
        using IModelOutputParser parser = _parserFactory(prompt, tools);
        string responseId = "llamacpp-" + Guid.NewGuid().ToString("N");
        DateTimeOffset created = DateTimeOffset.UtcNow;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var run = new GenerationRun(_session, settings);
            await Task.Run(() => run.Prefill(tokens, cancellationToken), cancellationToken).ConfigureAwait(false);
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
                if (contents.Count > 0)
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

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(LlamaModel))
        {
            return Model;
        }

        if (serviceType == typeof(LlamaCppStatistics))
        {
            return Statistics;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Frees the context and, if this client loaded it, the model. A request in progress finishes first:
    /// the resources are freed when it ends.
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

    /// <summary>Renders the prompt of a request: instructions merged, only declared functions (none for <see cref="ChatToolMode.None"/>).</summary>
    internal RenderedPrompt RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options, out IReadOnlyList<AIFunctionDeclaration> tools)
    {
        List<ChatMessage> history = WithInstructions(messages, options);
        tools = options?.ToolMode is NoneChatToolMode
            ? []
            : [.. options?.Tools?.OfType<AIFunctionDeclaration>() ?? []];
        ChatOptions renderOptions = options?.Clone() ?? new ChatOptions();
        renderOptions.Tools = tools.Count == 0 ? null : [.. tools];
        return _renderer.Render(history, renderOptions);
    }

    internal int[] Tokenize(RenderedPrompt prompt)
    {
        var tokens = new List<int>();
        foreach (PromptSegment segment in prompt.Segments)
        {
            tokens.AddRange(Model.Tokenize(segment.Text, addSpecial: false, parseSpecial: !segment.IsData));
        }

        if (Model.AddBos && (tokens.Count == 0 || tokens[0] != Model.BosToken))
        {
            tokens.Insert(0, Model.BosToken);
        }

        return [.. tokens];
    }

    private static TemplatePromptRenderer CreateRenderer(LlamaModel model, string? template, ToolCallFormat family, LlamaCppChatClientOptions options)
    {
        ChatTemplateOptions templateOptions = options.TemplateOptions ?? new ChatTemplateOptions
        {
            BosToken = model.SpecialTokenText(model.BosToken),
            EosToken = model.SpecialTokenText(model.EosToken),
        };
        ChatTemplate? parsed = null;
        if (!string.IsNullOrEmpty(template))
        {
            try
            {
                parsed = ToolLoop.ChatTemplate.Parse(template);
            }
            catch (TemplateException ex) when (options.ChatTemplate is null)
            {
                // A GGUF template outside the supported Jinja subset: fall back to the family's framing rather than fail.
                if (options.Logger is { } logger && logger.IsEnabled(LogLevel.Warning))
                {
                    logger.Log(LogLevel.Warning, default, ex.Message, ex, static (message, _) => "The model's chat template could not be parsed; using the family's default framing: " + message);
                }
            }
        }

        return new TemplatePromptRenderer(parsed, family, templateOptions);
    }

    private static LlamaModel LoadModel(LlamaCppChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.ModelPath))
        {
            throw new ArgumentException("LlamaCppChatClientOptions.ModelPath is required when no LlamaModel is passed.", nameof(options));
        }

        return LlamaModel.Load(options.ModelPath, new LlamaModelOptions
        {
            NativeLibraryDirectory = options.NativeLibraryDirectory,
            Logger = options.Logger,
        });
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
        ModelId = _modelId,
        CreatedAt = created,
        FinishReason = finishReason,
    };

    private void Publish(GenerationRun run) => Volatile.Write(ref _statistics, new LlamaCppStatistics(
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
            if (_ownsModel)
            {
                Model.Dispose();
            }
        }
    }
}
