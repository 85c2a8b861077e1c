using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp;

/// <summary>
/// A GGUF model loaded by llama.cpp. Weights and vocabulary are read-only once loaded, so one model can
/// serve several <see cref="LlamaCppChatClient"/> instances at once, each with its own context.
/// Dispose it after the clients that share it: the native model is freed once the last context on it is
/// freed, but a client whose model was disposed throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class LlamaModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly nint _vocab;

    private LlamaModel(string path, SafeLlamaModelHandle handle, ILogger? logger)
    {
        Path = path;
        _handle = handle;
        Logger = logger;
        _vocab = NativeMethods.llama_model_get_vocab(handle);
        VocabularySize = NativeMethods.llama_vocab_n_tokens(_vocab);
        TrainedContextLength = NativeMethods.llama_model_n_ctx_train(handle);
        AddBos = NativeMethods.llama_vocab_get_add_bos(_vocab);
        BosToken = NativeMethods.llama_vocab_bos(_vocab);
        EosToken = NativeMethods.llama_vocab_eos(_vocab);
        ChatTemplate = ReadChatTemplate(null);
        Description = ReadString((buffer, size) => NativeMethods.llama_model_desc(handle, buffer, size)) ?? string.Empty;
    }

    /// <summary>The full path of the GGUF file.</summary>
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

    internal SafeLlamaModelHandle Handle => _handle;

    internal bool AddBos { get; }

    internal int BosToken { get; }

    internal int EosToken { get; }

    /// <summary>The text of a special token, or <see langword="null"/> for LLAMA_TOKEN_NULL (-1).</summary>
    internal string? SpecialTokenText(int token) => token < 0 ? null : TokenText(token);

    /// <summary>Loads a GGUF file. Loads the native libraries first if needed.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">Library folder, logger and offloading; <see langword="null"/> for defaults.</param>
    /// <returns>The loaded model; the caller owns it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="LlamaCppException">llama.cpp rejected the file (its log is in <see cref="LlamaCppException.NativeLog"/>), or the libraries could not be loaded.</exception>
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

        LlamaModelParams parameters = NativeMethods.llama_model_default_params();
        parameters.NGpuLayers = options.GpuLayerCount;
        using LlamaLog.Scope scope = LlamaLog.Enter(options.Logger);
        byte[] pathBytes = LlamaLibraryLoader.NullTerminated(fullPath);
        nint raw;
        fixed (byte* p = pathBytes)
        {
            raw = NativeMethods.llama_model_load_from_file(p, parameters);
        }

        if (raw == 0)
        {
            throw new LlamaCppException($"llama.cpp could not load the model '{fullPath}'.", [.. scope.Lines], null);
        }

        return new LlamaModel(fullPath, new SafeLlamaModelHandle(raw), options.Logger);
    }

    /// <summary>Reads a GGUF metadata value as a string (for example <c>general.name</c>).</summary>
    /// <param name="key">The metadata key.</param>
    /// <returns>The value, or <see langword="null"/> if the key is absent.</returns>
    public string? GetMetadata(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        byte[] keyBytes = LlamaLibraryLoader.NullTerminated(key);
        fixed (byte* k = keyBytes)
        {
            byte* keyPointer = k;
            return ReadString((buffer, size) => NativeMethods.llama_model_meta_val_str(_handle, keyPointer, buffer, size));
        }
    }

    /// <summary>Reads a named chat template (<c>tokenizer.chat_template.&lt;name&gt;</c>, for example <c>tool_use</c>).</summary>
    /// <param name="name">The template name.</param>
    /// <returns>The template, or <see langword="null"/> if the model has none by that name.</returns>
    public string? GetChatTemplate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReadChatTemplate(name);
    }

    /// <summary>Frees the native model once no client uses it any more.</summary>
    public void Dispose() => _handle.Dispose();

    internal int[] Tokenize(ReadOnlySpan<char> text, bool addSpecial, bool parseSpecial)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (text.IsEmpty && !addSpecial)
        {
            return [];
        }

        int byteCount = Encoding.UTF8.GetByteCount(text);
        byte[] bytes = new byte[byteCount + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        int[] tokens = new int[byteCount + 2];
        fixed (byte* t = bytes)
        {
            int n;
            fixed (int* o = tokens)
            {
                n = NativeMethods.llama_tokenize(_vocab, t, byteCount, o, tokens.Length, addSpecial, parseSpecial);
            }

            if (n < 0)
            {
                if (n == int.MinValue)
                {
                    throw new LlamaCppException("The text is too long to tokenize.");
                }

                tokens = new int[-n];
                fixed (int* o = tokens)
                {
                    n = NativeMethods.llama_tokenize(_vocab, t, byteCount, o, tokens.Length, addSpecial, parseSpecial);
                }

                if (n < 0)
                {
                    throw new LlamaCppException($"llama_tokenize failed ({n}).");
                }
            }

            return n == tokens.Length ? tokens : tokens.AsSpan(0, n).ToArray();
        }
    }

    /// <summary>Writes the UTF-8 bytes of one token into <paramref name="buffer"/> (grown when needed); returns the byte count.</summary>
    internal int TokenToPiece(int token, ref byte[] buffer, bool special)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* b = buffer)
        {
            int n = NativeMethods.llama_token_to_piece(_vocab, token, b, buffer.Length, 0, special);
            if (n >= 0)
            {
                return n;
            }

            buffer = new byte[-n];
        }

        fixed (byte* b = buffer)
        {
            int n = NativeMethods.llama_token_to_piece(_vocab, token, b, buffer.Length, 0, special);
            return n < 0 ? throw new LlamaCppException($"llama_token_to_piece failed for token {token}.") : n;
        }
    }

    internal string TokenText(int token)
    {
        byte[] buffer = new byte[64];
        int n = TokenToPiece(token, ref buffer, special: true);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    internal bool IsEndOfGeneration(int token)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return NativeMethods.llama_vocab_is_eog(_vocab, token);
    }

    private string? ReadChatTemplate(string? name)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        byte[]? nameBytes = name is null ? null : LlamaLibraryLoader.NullTerminated(name);
        fixed (byte* n = nameBytes)
        {
            byte* result = NativeMethods.llama_model_chat_template(_handle, n);
            return result is null ? null : Marshal.PtrToStringUTF8((nint)result);
        }
    }

    private delegate int BufferReader(byte* buffer, nuint size);

    private static string? ReadString(BufferReader read)
    {
        byte[] buffer = new byte[256];
        while (true)
        {
            int n;
            fixed (byte* b = buffer)
            {
                n = read(b, (nuint)buffer.Length);
            }

            if (n < 0)
            {
                return null;
            }

            if (n < buffer.Length)
            {
                return Encoding.UTF8.GetString(buffer, 0, n);
            }

            buffer = new byte[n + 1];
        }
    }
}
