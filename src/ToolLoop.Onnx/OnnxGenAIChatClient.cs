using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.LocalModels;
using ToolLoop.Onnx.Internal;

namespace ToolLoop.Onnx;

/// <summary>
/// A local ONNX Runtime GenAI model as an <see cref="IChatClient"/> with real tool calling. The prompt is the
/// model's own chat template rendered by ToolLoop's engine with the declared tools and the whole history (calls,
/// results, reasoning); user text and tool output are tokenized literally, so they can never form special or
/// added tokens; the output is parsed as it streams, so tool calls arrive as <see cref="FunctionCallContent"/>
/// and reasoning as <see cref="TextReasoningContent"/>. Wrap it with ToolLoop's <c>AsToolLoop()</c> to run agents.
/// </summary>
/// <remarks>
/// <para>
/// The package binds GenAI's managed API only: add one native package beside it (<c>Microsoft.ML.OnnxRuntimeGenAI</c>
/// for CPU, <c>.Cuda</c> or <c>.DirectML</c>) at version 0.18.0. Execution providers come from the model's
/// <c>genai_config.json</c>; pass your own <see cref="Config"/> to change them.
/// </para>
/// <para>
/// Each client owns one GenAI generator (one KV cache). Concurrent calls on one client are safe but <b>wait their
/// turn</b>: a request holds the generator from prefill until its last update is consumed (or its enumeration is
/// disposed). Use one client per concurrent conversation; several clients can share one <see cref="Model"/>.
/// </para>
/// <para>
/// When a prompt extends the previous request's (as in a tool loop), the generator keeps the longest common
/// prefix (<c>RewindTo</c>) and evaluates only the rest; <see cref="Statistics"/> reports it. GenAI fixes sampling
/// options per generator, so changing temperature, top-p or top-k starts a new generator (an empty cache), and a
/// request with both a temperature and a seed always does, so the seed reproduces its output.
/// </para>
/// <para>
/// Options honoured from <see cref="ChatOptions"/>: <see cref="ChatOptions.Temperature"/> (unset or 0: greedy),
/// <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/> and <see cref="ChatOptions.Seed"/> (when
/// sampling; unset ones keep <c>genai_config.json</c>'s search defaults), <see cref="ChatOptions.MaxOutputTokens"/>,
/// <see cref="ChatOptions.StopSequences"/> (matched on the text, across token boundaries),
/// <see cref="ChatOptions.Instructions"/>, <see cref="ChatOptions.Tools"/> and <see cref="ChatOptions.ToolMode"/>
/// (<see cref="ChatToolMode.None"/> declares no tools). Cancellation is checked between tokens and, inside a long
/// evaluation, through GenAI's <c>terminate_session</c>.
/// </para>
/// </remarks>
public sealed class OnnxGenAIChatClient : IChatClient
{
    private readonly LocalChatPipeline _pipeline;
    private readonly GenAISession _session;
    private readonly GenAILocalModel _localModel;

    /// <summary>Loads the model folder at <paramref name="modelPath"/>; the client owns the model and frees it on <see cref="Dispose"/>.</summary>
    /// <param name="modelPath">The folder with <c>genai_config.json</c>, the <c>.onnx</c> files and the tokenizer files.</param>
    /// <param name="options">Settings; <see langword="null"/> for defaults.</param>
    /// <exception cref="OnnxGenAIException">The folder is missing or broken, the native library is missing, GenAI rejects the model, or the chat template does not parse.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OnnxGenAIChatClientOptions.ContextSize"/> is below 2 or above the model's <c>context_length</c>.</exception>
    public OnnxGenAIChatClient(string modelPath, OnnxGenAIChatClientOptions? options = null)
        : this(ModelFolder.Read(RequirePath(modelPath)), options ?? new OnnxGenAIChatClientOptions(), static (folder, o) => LoadModel(folder, o), ownsModel: true)
    {
    }

    /// <summary>
    /// Creates a client on the caller's <see cref="Model"/>. The model stays owned by the caller: dispose it after
    /// every client on it (and dispose the app's <see cref="OgaHandle"/> after that).
    /// </summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="modelPath">The folder <paramref name="model"/> was loaded from: its <c>genai_config.json</c> and <c>tokenizer_config.json</c> give the context length and chat template, which the GenAI API does not expose.</param>
    /// <param name="options">Settings; <see langword="null"/> for defaults.</param>
    /// <exception cref="OnnxGenAIException">The folder is missing or broken, or the chat template does not parse.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OnnxGenAIChatClientOptions.ContextSize"/> is below 2 or above the model's <c>context_length</c>.</exception>
    public OnnxGenAIChatClient(Model model, string modelPath, OnnxGenAIChatClientOptions? options = null)
        : this(ModelFolder.Read(RequirePath(modelPath)), options ?? new OnnxGenAIChatClientOptions(), (_, _) => model ?? throw new ArgumentNullException(nameof(model)), ownsModel: false)
    {
    }

    /// <summary>
    /// Creates a client on a model built from the caller's <see cref="Config"/> (for example with other execution
    /// providers). The client owns the model it creates and frees it on <see cref="Dispose"/>; the config stays the
    /// caller's and may be disposed once this constructor returns.
    /// </summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="modelPath">The folder <paramref name="config"/> was read from (for the context length and chat template).</param>
    /// <param name="options">Settings; <see langword="null"/> for defaults.</param>
    /// <exception cref="OnnxGenAIException">The folder is missing or broken, GenAI rejects the model, or the chat template does not parse.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OnnxGenAIChatClientOptions.ContextSize"/> is below 2 or above the model's <c>context_length</c>.</exception>
    public OnnxGenAIChatClient(Config config, string modelPath, OnnxGenAIChatClientOptions? options = null)
        : this(ModelFolder.Read(RequirePath(modelPath)), options ?? new OnnxGenAIChatClientOptions(), (folder, o) => LoadModel(folder, o, config ?? throw new ArgumentNullException(nameof(config))), ownsModel: true)
    {
    }

    private OnnxGenAIChatClient(ModelFolder folder, OnnxGenAIChatClientOptions options, Func<ModelFolder, OnnxGenAIChatClientOptions, Model> createModel, bool ownsModel)
    {
        if (options.ContextSize is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ContextSize, "OnnxGenAIChatClientOptions.ContextSize must be at least 2.");
        }

        if (options.ContextSize > folder.TrainedContextLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ContextSize, $"OnnxGenAIChatClientOptions.ContextSize is above the model's context_length ({folder.TrainedContextLength}), which ONNX Runtime GenAI does not allow.");
        }

        ModelPath = folder.Path;
        ChatTemplate = options.ChatTemplate ?? folder.ChatTemplate;
        // A template list's tool_use entry is the one that writes calls, so it names the family when present.
        string? toolUseSource = options.ChatTemplate is null ? folder.ToolUseChatTemplate : null;
        ToolCallFormat = options.ToolCallFormat ?? ToolCallFormats.FromChatTemplate(toolUseSource ?? ChatTemplate);
        ChatTemplate? parsed = GenAIPromptRenderer.Parse(ChatTemplate, options.ChatTemplate is null ? $"'{folder.Path}'" : "OnnxGenAIChatClientOptions.ChatTemplate");
        ChatTemplate? toolUse = GenAIPromptRenderer.Parse(toolUseSource, $"'{folder.Path}' (tool_use)");
        ContextSize = options.ContextSize ?? folder.ContextLength;

        Model = createModel(folder, options);
        try
        {
            _localModel = Guard(() => new GenAILocalModel(Model, folder, ChatTemplate), folder, options.Logger);
        }
        catch
        {
            if (ownsModel)
            {
                Model.Dispose();
            }

            throw;
        }

        if (parsed is null && options.Logger is { } logger && logger.IsEnabled(LogLevel.Warning))
        {
            logger.Log(LogLevel.Warning, default, folder.Path, null, static (path, _) => $"The model folder '{path}' has no chat template; using the {nameof(ToolCallFormat)} family's default framing.");
        }

        ChatTemplateOptions templateOptions = options.TemplateOptions ?? new ChatTemplateOptions { BosToken = folder.BosToken, EosToken = folder.EosToken };
        var renderer = new GenAIPromptRenderer(
            new TemplatePromptRenderer(parsed, ToolCallFormat, templateOptions),
            toolUse is null ? null : new TemplatePromptRenderer(toolUse, ToolCallFormat, templateOptions));
        _session = new GenAISession(Model, ContextSize, options.Logger);
        string modelId = options.ModelId ?? System.IO.Path.GetFileName(folder.Path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));
        Metadata = new ChatClientMetadata("onnxruntime-genai", null, modelId);
        Model model = Model;
        GenAILocalModel localModel = _localModel;
        _pipeline = new LocalChatPipeline(_localModel, _session, new LocalPipelineOptions
        {
            Renderer = renderer,
            Format = ToolCallFormat,
            ModelId = modelId,
            ResponseIdPrefix = "onnxgenai-",
            ClientType = typeof(OnnxGenAIChatClient),
            PromptTooLong = GenAIErrors.PromptTooLong,
            DefaultMaxOutputTokens = options.MaxOutputTokens,
            OnDisposed = () =>
            {
                localModel.Dispose();
                if (ownsModel)
                {
                    model.Dispose();
                }
            },
        });
    }

    /// <summary>The GenAI model this client generates with.</summary>
    public Model Model { get; }

    /// <summary>The full path of the model folder.</summary>
    public string ModelPath { get; }

    /// <summary>The chat template used to render prompts (the option, else the model's), or <see langword="null"/> if there is none (the family's default framing is used).</summary>
    public string? ChatTemplate { get; }

    /// <summary>The tool-call markup parsed from the output (the option, else detected from the model's <c>tool_use</c> template or <see cref="ChatTemplate"/>).</summary>
    public ToolCallFormat ToolCallFormat { get; }

    /// <summary>The context size in tokens (the generator's <c>max_length</c>).</summary>
    public int ContextSize { get; }

    /// <summary>Token counts of the most recent request (see <see cref="OnnxGenAIStatistics"/>); updated after prefill and when a request ends.</summary>
    public OnnxGenAIStatistics Statistics
    {
        get
        {
            LocalStatistics s = _pipeline.Statistics;
            return new OnnxGenAIStatistics(s.PromptTokens, s.PromptTokensReused, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded, _session.GeneratorsCreated);
        }
    }

    /// <summary>Provider name <c>onnxruntime-genai</c> and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    internal LocalChatPipeline Pipeline => _pipeline;

    internal GenAISession Session => _session;

    internal GenAILocalModel LocalModel => _localModel;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => _pipeline.GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => _pipeline.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
        => LocalClientServices.Get(this, serviceType, serviceKey, Metadata, Model, () => Statistics);

    /// <summary>
    /// Frees the generator, the tokenizers and, if this client created it, the model. A request in progress
    /// finishes first: the resources are freed when it ends.
    /// </summary>
    public void Dispose() => _pipeline.Dispose();

    private static string RequirePath(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return modelPath;
    }

    private static Model LoadModel(ModelFolder folder, OnnxGenAIChatClientOptions options, Config? config = null)
        => Guard(() => config is null ? new Model(folder.Path) : new Model(config), folder, options.Logger);

    // The first native calls: a missing library or a model GenAI rejects become OnnxGenAIExceptions with its log.
    private static T Guard<T>(Func<T> create, ModelFolder folder, ILogger? logger)
    {
        try
        {
            if (logger is not null)
            {
                GenAILog.Attach(logger);
            }

            using GenAILog.Scope scope = GenAILog.Enter(logger);
            try
            {
                return create();
            }
            catch (OnnxRuntimeGenAIException ex)
            {
                throw GenAIErrors.ModelLoad(folder.Path, ex, [.. scope.Lines]);
            }
        }
        catch (Exception ex) when (ex is not OnnxGenAIException && GenAIErrors.FindNativeLoadFailure(ex) is { } failure)
        {
            throw GenAIErrors.NativeLibraryMissing(failure);
        }
    }
}
