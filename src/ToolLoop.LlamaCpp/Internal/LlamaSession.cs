using System.Runtime.InteropServices;
using LLama.Native;
using ToolLoop.LlamaCpp.Interop;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// One llama.cpp context (one KV cache, sequence 0) and the tokens it holds: the llama.cpp side of the local pipeline.
/// Not thread-safe: the pipeline serialises calls. The cache mirror <see cref="_cached"/> always equals what the KV
/// cache holds (re-read from llama.cpp after a failed or aborted decode).
/// </summary>
internal sealed unsafe class LlamaSession : ILocalSession
{
    private readonly LlamaModel _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly LLamaBatch _batch = new();
    private readonly List<int> _cached = [];
    private GCHandle _self;
    private CancellationToken _abortToken;
    private bool _disposed;

    public LlamaSession(LlamaModel model, LlamaSessionOptions options)
    {
        _model = model;
        _self = GCHandle.Alloc(this, GCHandleType.Weak);
        LLamaContextParams parameters = LLamaContextParams.Default();
        parameters.n_ctx = (uint)options.ContextSize;
        parameters.n_batch = (uint)options.BatchSize;
        parameters.n_ubatch = (uint)options.BatchSize;
        parameters.n_threads = options.Threads;
        parameters.n_threads_batch = options.BatchThreads;
        parameters.abort_callback = (nint)(delegate* unmanaged<nint, byte>)&Abort;
        parameters.abort_callback_user_data = GCHandle.ToIntPtr(_self);

        using LlamaLog.Scope scope = LlamaLog.Enter(model.Logger);
        SafeLLamaContextHandle? context = null;
        try
        {
            context = SafeLLamaContextHandle.Create(model.Handle, parameters);
        }
        catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError)
        {
            _self.Free();
            throw new LlamaCppException($"llama.cpp could not create a context of {options.ContextSize} tokens for '{model.Path}'.", [.. scope.Lines], null, ex);
        }

        // LLamaSharp returns an invalid handle instead of throwing when llama.cpp returns NULL (for example when the
        // KV cache cannot be allocated); the next call on it would crash the process.
        if (context.IsInvalid)
        {
            context.Dispose();
            _self.Free();
            throw new LlamaCppException($"llama.cpp could not create a context of {options.ContextSize} tokens for '{model.Path}'.", [.. scope.Lines], null);
        }

        _context = context;
        ContextSize = (int)_context.ContextSize;
        BatchSize = (int)_context.BatchSize;
    }

    public LlamaModel Model => _model;

    public int ContextSize { get; }

    public int BatchSize { get; }

    /// <summary>The tokens currently in the KV cache, in order.</summary>
    public IReadOnlyList<int> CachedTokens => _cached;

    /// <summary>Tokens decoded by this context since it was created.</summary>
    public long TotalTokensDecoded { get; private set; }

    /// <summary>The names and seeds of the last request's sampler chain, as llama.cpp reports them (for tests and diagnostics).</summary>
    public IReadOnlyList<(string Name, uint Seed)> LastSamplerChain { get; private set; } = [];

    internal SafeLLamaContextHandle Context => _context;

    public ITokenSampler CreateSampler(GenerationSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SafeLLamaSamplerChainHandle chain = SamplerFactory.Create(_model, settings);
        var sampler = new LlamaTokenSampler(this, chain);
        LastSamplerChain = sampler.Describe();
        return sampler;
    }

    /// <summary>Samples (and accepts into the chain's state) the next token from the logits of the last decoded token.</summary>
    public int Sample(SafeLLamaSamplerChainHandle chain)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (int)chain.Sample(_context, -1);
    }

    public void Append(ReadOnlySpan<int> tokens, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Decode(tokens, cancellationToken);
    }

    public void Accept(int token, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Decode([token], cancellationToken);
    }

    public void Trim(int keep)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keep >= _cached.Count)
        {
            return;
        }

        if (keep > 0)
        {
            // LLamaSharp's MemorySequenceRemove drops llama_memory_seq_rm's result (false when the memory cannot drop a
            // suffix, as recurrent state cannot), so read the result through the memory handle.
            nint memory = LlamaNative.llama_get_memory(_context.DangerousGetHandle());
            if (NativeApi.llama_memory_seq_rm(memory, LLamaSeqId.Zero, keep, -1) && (int)_context.MemorySequenceMaxPosition(LLamaSeqId.Zero) == keep - 1)
            {
                _cached.RemoveRange(keep, _cached.Count - keep);
                return;
            }
        }

        Clear();
    }

    /// <summary>Empties the KV cache.</summary>
    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context.MemoryClear(true);
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

    private void Decode(ReadOnlySpan<int> tokens, CancellationToken cancellationToken)
    {
        using LlamaLog.Scope scope = LlamaLog.Enter(_model.Logger);
        for (int start = 0; start < tokens.Length; start += BatchSize)
        {
            ReadOnlySpan<int> chunk = tokens.Slice(start, Math.Min(BatchSize, tokens.Length - start));

            // LLamaBatch has no positions of its own: each token's position follows the cached ones.
            _batch.Clear();
            for (int i = 0; i < chunk.Length; i++)
            {
                _batch.Add(chunk[i], _cached.Count + i, LLamaSeqId.Zero, logits: i == chunk.Length - 1);
            }

            DecodeResult result;
            _abortToken = cancellationToken;
            try
            {
                result = _context.Decode(_batch);
            }
            finally
            {
                _abortToken = default;
            }

            if (result != DecodeResult.Ok)
            {
                Resynchronise(chunk);
                if (result == DecodeResult.ComputeAborted)
                {
                    throw new OperationCanceledException("llama_decode was aborted through the abort callback.", cancellationToken);
                }

                if (result == DecodeResult.NoKvSlot)
                {
                    throw new LlamaCppException($"The context is full: no KV cache slot for {chunk.Length} more tokens (context {ContextSize}).", [.. scope.Lines], null);
                }

                throw new LlamaCppException($"llama_decode failed ({result}, code {(int)result}).", [.. scope.Lines], null);
            }

            _cached.AddRange(chunk);
            TotalTokensDecoded += chunk.Length;
        }
    }

    // After a failed decode, llama.cpp keeps the micro-batches it finished and drops the rest; make the mirror match
    // what the KV cache really holds.
    private void Resynchronise(ReadOnlySpan<int> chunk)
    {
        int held = (int)_context.MemorySequenceMaxPosition(LLamaSeqId.Zero) + 1;
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
    private static byte Abort(nint data)
    {
        // Called by ggml between graph nodes, possibly from a worker thread; must not throw.
        return GCHandle.FromIntPtr(data).Target is LlamaSession session && session._abortToken.IsCancellationRequested ? (byte)1 : (byte)0;
    }
}
