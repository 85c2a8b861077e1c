using LLama;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Internal;
using ToolLoop.LocalModels;

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
/// share one <see cref="LlamaModel"/>. LLamaSharp decodes one batch at a time per process, so clients take turns
/// inside <c>llama_decode</c> (see <see cref="LlamaCppRuntime"/>).
/// </para>
/// <para>
/// When a prompt extends the previous request's prompt (as in a tool loop), only the new tokens are
/// decoded; otherwise the cache is trimmed to the common prefix. <see cref="Statistics"/> reports it.
/// </para>
/// <para>
/// Options honoured from <see cref="ChatOptions"/>: <see cref="ChatOptions.Temperature"/> (unset or 0:
/// greedy), <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/>,
/// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.StopSequences"/>,
/// <see cref="ChatOptions.Instructions"/>, <see cref="ChatOptions.Tools"/>,
/// <see cref="ChatOptions.ToolMode"/> (<see cref="ChatToolMode.None"/> declares no tools; the required modes force a
/// call), <see cref="ChatOptions.AllowMultipleToolCalls"/> and <see cref="ChatOptions.ResponseFormat"/>; calls, forced
/// calls and JSON answers are grammar-constrained (see <see cref="LlamaCppChatClientOptions.UseGrammar"/>).
/// Cancellation is checked between tokens and inside decoding through llama.cpp's abort callback.
/// </para>
/// </remarks>
public sealed class LlamaCppChatClient : IChatClient
{
    private readonly LlamaSession _session;
    private readonly LocalChatPipeline _pipeline;

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

    /// <summary>
    /// Creates a client on weights an application loaded with LLamaSharp (<c>LLamaWeights.LoadFromFile</c>). The weights
    /// stay owned by the caller: disposing the client frees only its context; dispose the weights after their clients.
    /// </summary>
    /// <param name="weights">The loaded weights.</param>
    /// <param name="options">Context and generation settings (<see cref="LlamaCppChatClientOptions.ModelPath"/> is ignored); <see langword="null"/> for defaults.</param>
    /// <exception cref="LlamaCppException">The context could not be created.</exception>
    public LlamaCppChatClient(LLamaWeights weights, LlamaCppChatClientOptions? options = null)
        : this(LlamaModel.FromWeights(weights, options?.Logger), options ?? new LlamaCppChatClientOptions(), ownsModel: true, renderer: null, parserFactory: null)
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
        int threads = options.ThreadCount ?? LlamaCppChatClientOptions.DefaultThreadCount;
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
        string modelId = options.ModelId ?? model.GetMetadata("general.name") ?? Path.GetFileNameWithoutExtension(model.Path);
        Metadata = new ChatClientMetadata("llama.cpp", null, modelId);
        _pipeline = new LocalChatPipeline(new LlamaLocalModel(model), _session, new LocalPipelineOptions
        {
            Renderer = renderer ?? CreateRenderer(model, ChatTemplate, ToolCallFormat, options),
            Format = ToolCallFormat,
            ModelId = modelId,
            ResponseIdPrefix = "llamacpp-",
            ClientType = typeof(LlamaCppChatClient),
            PromptTooLong = static (tokens, context) => new LlamaCppException($"The prompt has {tokens} tokens but the context holds {context}; raise ContextSize."),
            DefaultMaxOutputTokens = options.MaxOutputTokens,
            ParserFactory = parserFactory,
            OnDisposed = ownsModel ? model.Dispose : null,
            GrammarSelector = request => GrammarSelector?.Invoke(request),
        });
        if (options.UseGrammar)
        {
            GrammarSelector = new Grammar.LlamaGrammarSelector(model, ChatTemplate, options.Logger).Select;
        }
    }

    /// <summary>The model this client generates with.</summary>
    public LlamaModel Model { get; }

    /// <summary>The chat template used to render prompts (the option, else the GGUF's), or <see langword="null"/> if there is none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The tool-call markup parsed from the output (the option, else detected from <see cref="ChatTemplate"/>).</summary>
    public ToolCallFormat ToolCallFormat { get; }

    /// <summary>The context size in tokens.</summary>
    public int ContextSize => _pipeline.ContextSize;

    /// <summary>Token counts of the most recent request (see <see cref="LlamaCppStatistics"/>); updated when a request ends.</summary>
    public LlamaCppStatistics Statistics => ToPublic(_pipeline.Statistics);

    /// <summary>Provider name <c>llama.cpp</c> and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => _pipeline.GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => _pipeline.GetStreamingResponseAsync(messages, options, cancellationToken);

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
    public void Dispose() => _pipeline.Dispose();

    /// <summary>Renders the prompt of a request: instructions merged, only declared functions (none for <see cref="ChatToolMode.None"/>).</summary>
    internal RenderedPrompt RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options, out IReadOnlyList<AIFunctionDeclaration> tools)
        => _pipeline.RenderPrompt(messages, options, out tools);

    internal int[] Tokenize(RenderedPrompt prompt) => _pipeline.Tokenize(prompt);

    internal LocalChatPipeline Pipeline => _pipeline;

    internal LlamaSession Session => _session;

    /// <summary>
    /// Chooses the grammar that constrains a request's sampling (the sampler-chain hook: the grammar goes first in the
    /// chain, eager or lazy with trigger patterns/tokens; see <see cref="SamplerGrammar"/>); null or returning null: none.
    /// Set once, before the first request. Default: the tool-call and response-format grammars when
    /// <see cref="LlamaCppChatClientOptions.UseGrammar"/> is true, else none.
    /// </summary>
    internal Func<GrammarRequest, SamplerGrammar?>? GrammarSelector { get; set; }

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

    private static LlamaCppStatistics ToPublic(LocalStatistics s)
        => new(s.PromptTokens, s.PromptTokensReused, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded);
}
