using System.Runtime.InteropServices;
using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp;

/// <summary>
/// A GGUF model loaded by llama.cpp (through LLamaSharp). Weights and vocabulary are read-only once loaded, so one
/// model can serve several <see cref="LlamaCppChatClient"/> instances at once, each with its own context.
/// Dispose it after the clients that share it: the native model is freed once the last context on it is freed, but a
/// client whose model was disposed throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly bool _ownsHandle;
    private readonly Lazy<Internal.LlamaPromptTokenizer> _promptTokenizer;
    private volatile bool _disposed;

    private LlamaModel(string path, SafeLlamaModelHandle handle, bool ownsHandle, ILogger? logger)
    {
        Path = path;
        _handle = handle;
        _ownsHandle = ownsHandle;
        Logger = logger;
        SafeLlamaModelHandle.Vocabulary vocab = handle.Vocab;
        VocabularySize = vocab.Count;
        TrainedContextLength = handle.ContextSize;
        AddBos = vocab.ShouldAddBOS;
        BosToken = vocab.BOS is { } bos ? (int)bos : -1;
        EosToken = vocab.EOS is { } eos ? (int)eos : -1;
        ChatTemplate = LlamaNative.ReadChatTemplate(handle.DangerousGetHandle(), null);
        Description = handle.Description ?? string.Empty;
        VocabularyType = vocab.Type;
        VocabHandle = LlamaNative.llama_model_get_vocab(handle.DangerousGetHandle());
        _promptTokenizer = new(() => new Internal.LlamaPromptTokenizer(this));
    }

    /// <summary>The full path of the GGUF file (empty for a model taken from <see cref="LLamaWeights"/>).</summary>
    public string Path { get; }

    /// <summary>llama.cpp's one-line description of the model (architecture, size, type).</summary>
    public string Description { get; }

    /// <summary>The Jinja chat template stored in the GGUF (<c>tokenizer.chat_template</c>), or <see langword="null"/> if it has none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The number of tokens in the vocabulary.</summary>
    public int VocabularySize { get; }

    /// <summary>The context length the model was trained with (<c>&lt;arch&gt;.context_length</c>).</summary>
    public int TrainedContextLength { get; }

    internal ILogger? Logger { get; }

    internal SafeLlamaModelHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }

    /// <summary>The native <c>llama_vocab*</c>, owned by the model (for ToolLoop's own imports).</summary>
    internal nint VocabHandle { get; }

    internal LLamaVocabType VocabularyType { get; }

    internal bool AddBos { get; }

    internal int BosToken { get; }

    internal int EosToken { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>Tokenizes rendered prompts (framing/data); built on first use (it reads every token's attributes once).</summary>
    internal Internal.LlamaPromptTokenizer PromptTokenizer => _promptTokenizer.Value;

    /// <summary>The text of a special token, or <see langword="null"/> for none (-1).</summary>
    internal string? SpecialTokenText(int token) => token < 0 ? null : TokenText(token);

    /// <summary>Loads a GGUF file. Loads the native libraries first if needed.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">Library folder, logger and offloading; <see langword="null"/> for defaults.</param>
    /// <returns>The loaded model; the caller owns it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="LlamaCppException">llama.cpp rejected the file (its log is in <see cref="LlamaCppException.NativeLog"/>), or the natives could not be loaded.</exception>
    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new LlamaModelOptions();
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The GGUF model file '{fullPath}' does not exist.", fullPath);
        }

        LlamaCppRuntime.Initialize(options.NativeLibraryDirectory, options.Logger);

        LLamaModelParams parameters = LLamaModelParams.Default();
        parameters.n_gpu_layers = options.GpuLayerCount; // LLamaSharp's default is -1 (every layer on the GPU).
        using LlamaLog.Scope scope = LlamaLog.Enter(options.Logger);
        try
        {
            SafeLlamaModelHandle handle = SafeLlamaModelHandle.LoadFromFile(fullPath, parameters);
            return new LlamaModel(fullPath, handle, ownsHandle: true, options.Logger);
        }
        catch (LoadWeightsFailedException ex)
        {
            throw new LlamaCppException($"llama.cpp could not load the model '{fullPath}'.", [.. scope.Lines], null, ex);
        }
    }

    /// <summary>
    /// Wraps a model an application loaded with LLamaSharp, so ToolLoop's clients can run on it. The weights stay
    /// owned by the caller: disposing this <see cref="LlamaModel"/> does not free them; dispose the weights after every
    /// client on them.
    /// </summary>
    /// <param name="weights">The loaded weights.</param>
    /// <param name="logger">Receives llama.cpp's log lines while this model's clients decode; default none.</param>
    /// <returns>A model borrowing <paramref name="weights"/>.</returns>
    public static LlamaModel FromWeights(LLamaWeights weights, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        LlamaCppRuntime.Initialize(null, logger);
        SafeLlamaModelHandle handle = weights.NativeHandle;
        ObjectDisposedException.ThrowIf(handle.IsClosed || handle.IsInvalid, weights);
        return new LlamaModel(string.Empty, handle, ownsHandle: false, logger);
    }

    /// <summary>Reads a GGUF metadata value as a string (for example <c>general.name</c>).</summary>
    /// <param name="key">The metadata key.</param>
    /// <returns>The value, or <see langword="null"/> if the key is absent.</returns>
    public string? GetMetadata(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LlamaNative.ReadMetadata(_handle.DangerousGetHandle(), key);
    }

    /// <summary>Reads a named chat template (<c>tokenizer.chat_template.&lt;name&gt;</c>, for example <c>tool_use</c>).</summary>
    /// <param name="name">The template name.</param>
    /// <returns>The template, or <see langword="null"/> if the model has none by that name.</returns>
    public string? GetChatTemplate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LlamaNative.ReadChatTemplate(_handle.DangerousGetHandle(), name);
    }

    /// <summary>Frees the native model once no client uses it any more (a model from <see cref="FromWeights"/> is left to its owner).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsHandle)
        {
            _handle.Dispose();
        }
    }

    internal int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (text.Length == 0 && !addSpecial)
        {
            return [];
        }

        LLamaToken[] tokens = _handle.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8);
        return MemoryMarshal.Cast<LLamaToken, int>(tokens).ToArray();
    }

    /// <summary>Writes the UTF-8 bytes of one token into <paramref name="buffer"/> (grown when needed); returns the byte count.</summary>
    internal int TokenToPiece(int token, ref byte[] buffer, bool special)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // TokenToSpan writes nothing into a span that is too small; it returns the size it needs.
        uint n = _handle.TokenToSpan(token, buffer, 0, special);
        if (n > buffer.Length)
        {
            buffer = new byte[n];
            n = _handle.TokenToSpan(token, buffer, 0, special);
        }

        return (int)n;
    }

    internal string TokenText(int token)
    {
        byte[] buffer = new byte[64];
        int n = TokenToPiece(token, ref buffer, special: true);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    internal LLamaTokenAttr TokenAttributes(int token)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ((LLamaToken)token).GetAttributes(_handle.Vocab);
    }

    internal bool IsEndOfGeneration(int token)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ((LLamaToken)token).IsEndOfGeneration(_handle.Vocab);
    }
}
