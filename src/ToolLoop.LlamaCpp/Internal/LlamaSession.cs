using System.Runtime.InteropServices;
using ToolLoop.LlamaCpp.Interop;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// One llama.cpp context (one KV cache, sequence 0) and the tokens it holds. Not thread-safe: the
/// owner serialises calls. The cache mirror <see cref="_cached"/> always equals what the KV cache
/// holds, so a new prompt reuses the longest common prefix and decodes only the rest.
/// </summary>
internal sealed unsafe class LlamaSession : ILocalSession
{
    private readonly LlamaModel _model;
    private readonly SafeLlamaContextHandle _context;
    private readonly nint _memory;
    private readonly List<int> _cached = [];
    private GCHandle _self;
    private CancellationToken _abortToken;
    private bool _disposed;

    public LlamaSession(LlamaModel model, LlamaSessionOptions options)
    {
        _model = model;
        _self = GCHandle.Alloc(this, GCHandleType.Weak);
        LlamaContextParams parameters = NativeMethods.llama_context_default_params();
        parameters.NCtx = (uint)options.ContextSize;
        parameters.NBatch = (uint)options.BatchSize;
        parameters.NUbatch = (uint)options.BatchSize;
        parameters.NThreads = options.Threads;
        parameters.NThreadsBatch = options.BatchThreads;
        parameters.NoPerf = true;
        parameters.AbortCallback = &Abort;
        parameters.AbortCallbackData = (void*)GCHandle.ToIntPtr(_self);

        using LlamaLog.Scope scope = LlamaLog.Enter(model.Logger);
        _context = SafeLlamaContextHandle.Create(model.Handle, parameters);
        if (_context.IsInvalid)
        {
            _self.Free();
            throw new LlamaCppException($"llama.cpp could not create a context of {options.ContextSize} tokens for '{model.Path}'.", [.. scope.Lines], null);
        }

        _memory = NativeMethods.llama_get_memory(_context);
        ContextSize = (int)NativeMethods.llama_n_ctx(_context);
        BatchSize = (int)NativeMethods.llama_n_batch(_context);
    }

    public LlamaModel Model => _model;

    public int ContextSize { get; }

    public int BatchSize { get; }

    /// <summary>The tokens currently in the KV cache, in order.</summary>
    public IReadOnlyList<int> CachedTokens => _cached;

    /// <summary>Tokens decoded by this context since it was created.</summary>
    public long TotalTokensDecoded { get; private set; }

    public ITokenSampler CreateSampler(GenerationSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sampler = new LlamaTokenSampler(this, SamplerFactory.Create(settings.Temperature, settings.TopP, settings.TopK, settings.Seed));
        LastSamplerChain = sampler.Describe();
        return sampler;
    }

    /// <summary>The names and seeds of the last request's sampler chain, as llama.cpp reports them (for tests and diagnostics).</summary>
    public IReadOnlyList<(string Name, uint Seed)> LastSamplerChain { get; private set; } = [];

    /// <summary>Samples the next token from the logits of the last decoded token.</summary>
    public int Sample(SafeLlamaSamplerHandle sampler)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return NativeMethods.llama_sampler_sample(sampler, _context, -1);
    }

    public void Append(ReadOnlySpan<int> tokens, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Decode(tokens, cancellationToken);
    }

    /// <summary>Appends a generated token to the context (decodes it).</summary>
    public void Accept(int token, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Decode([token], cancellationToken);
    }

    /// <summary>Empties the KV cache.</summary>
    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NativeMethods.llama_memory_clear(_memory, true);
        _cached.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _context.Dispose();
        _self.Free();
    }

    public void Trim(int keep)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keep >= _cached.Count)
        {
            return;
        }

        if (keep == 0 || !NativeMethods.llama_memory_seq_rm(_memory, 0, keep, -1))
        {
            // Some memory types (recurrent state) cannot drop a suffix; start over instead.
            NativeMethods.llama_memory_clear(_memory, true);
            _cached.Clear();
            return;
        }

        _cached.RemoveRange(keep, _cached.Count - keep);
    }

    private void Decode(ReadOnlySpan<int> tokens, CancellationToken cancellationToken)
    {
        using LlamaLog.Scope scope = LlamaLog.Enter(_model.Logger);
        for (int start = 0; start < tokens.Length; start += BatchSize)
        {
            ReadOnlySpan<int> chunk = tokens.Slice(start, Math.Min(BatchSize, tokens.Length - start));
            int result;
            _abortToken = cancellationToken;
            try
            {
                fixed (int* p = chunk)
                {
                    // Positions are tracked by llama.cpp (NULL pos): each follows the last position of sequence 0.
                    LlamaBatch batch = NativeMethods.llama_batch_get_one(p, chunk.Length);
                    result = NativeMethods.llama_decode(_context, batch);
                }
            }
            finally
            {
                _abortToken = default;
            }

            if (result != 0)
            {
                Resynchronise(chunk);
                if (result == 2)
                {
                    throw new OperationCanceledException("llama_decode was aborted through the abort callback.", cancellationToken);
                }

                if (result == 1)
                {
                    throw new LlamaCppException($"The context is full: no KV cache slot for {chunk.Length} more tokens (context {ContextSize}).", [.. scope.Lines], null);
                }

                throw new LlamaCppException($"llama_decode failed with code {result}.", [.. scope.Lines], null);
            }

            _cached.AddRange(chunk);
            TotalTokensDecoded += chunk.Length;
        }
    }

    // After a failed decode, llama.cpp keeps the micro-batches it finished and drops the rest; make the
    // mirror match what the KV cache really holds.
    private void Resynchronise(ReadOnlySpan<int> chunk)
    {
        int held = NativeMethods.llama_memory_seq_pos_max(_memory, 0) + 1;
        if (held > _cached.Count && held <= _cached.Count + chunk.Length)
        {
            int extra = held - _cached.Count;
            _cached.AddRange(chunk[..extra]);
            TotalTokensDecoded += extra;
        }
        else if (held < _cached.Count)
        {
            _cached.RemoveRange(Math.Max(held, 0), _cached.Count - Math.Max(held, 0));
        }
        else if (held != _cached.Count)
        {
            Clear();
        }
    }

    [UnmanagedCallersOnly]
    private static bool Abort(void* data)
    {
        // Called by ggml between graph nodes, possibly from a worker thread.
        return GCHandle.FromIntPtr((nint)data).Target is LlamaSession session && session._abortToken.IsCancellationRequested;
    }
}
