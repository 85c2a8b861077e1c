using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.LocalModels;

namespace ToolLoop.Onnx.Internal;

/// <summary>
/// The context side of the local pipeline on GenAI: one long-lived <see cref="Generator"/> (one KV cache) reused
/// across requests through the longest common prefix, <c>RewindTo</c> and appending only the suffix. Not
/// thread-safe; the pipeline serialises requests.
/// </summary>
/// <remarks>
/// <para>
/// GenAI fixes search options per generator (B.4.4 of runtimes.md), so <see cref="CreateSampler"/> starts a new
/// generator (an empty cache) only when they change: greedy requests share one; sampled requests share one per
/// (temperature, top-p, top-k); a seeded sampled request gets a fresh generator so the same seed gives the same
/// output. <c>max_length</c> is the context size and the pipeline counts <c>MaxOutputTokens</c> itself.
/// </para>
/// <para>
/// GenAI stores a picked token itself in <c>GenerateNextToken</c> (except the end-of-sequence token) and evaluates
/// it only in the next call. <see cref="CachedTokens"/> holds what the pipeline accepted; a picked token it did not
/// accept is rewound before the next operation, and an accepted token whose evaluation never ran (the last one of a
/// request cut by its token limit) is not offered for reuse.
/// </para>
/// </remarks>
internal sealed class GenAISession : ILocalSession
{
    private readonly Model _model;
    private readonly ILogger? _logger;
    private readonly List<int> _cached = [];
    private Generator? _generator;
    private SamplingKey? _key;
    private int _evaluated;
    private bool _terminated;
    private bool _disposed;

    public GenAISession(Model model, int contextSize, ILogger? logger)
    {
        _model = model;
        ContextSize = contextSize;
        _logger = logger;
    }

    public int ContextSize { get; }

    public IReadOnlyList<int> CachedTokens => _cached;

    public long TotalTokensDecoded { get; private set; }

    /// <summary>Generators created since the session started (a new one empties the cache).</summary>
    public int GeneratorsCreated { get; private set; }

    /// <summary>The generator's own sequence (for tests: it must equal <see cref="CachedTokens"/> between requests, plus at most one picked token).</summary>
    internal int[] GeneratorSequence => _generator is null ? [] : _generator.GetSequence(0).ToArray();

    /// <summary>The search options of the current generator (for tests), read back from GenAI.</summary>
    internal GeneratorParams? CurrentParameters { get; private set; }

    public ITokenSampler CreateSampler(GenerationSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (settings.Grammar is not null)
        {
            throw new NotSupportedException("Grammar-constrained sampling is not available on the ONNX Runtime GenAI adapter.");
        }

        SamplingKey key = SamplingKey.From(settings);
        if (_generator is null || key != _key || key.FreshPerRequest)
        {
            StartGenerator(key);
        }

        return new Sampler(this);
    }

    public void Trim(int keep)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Generator generator = _generator ?? throw new InvalidOperationException("CreateSampler first.");
        keep = Math.Clamp(Math.Min(keep, _evaluated), 0, _cached.Count);
        if (keep < (int)generator.TokenCount())
        {
            Rewind(keep);
        }
    }

    public void Append(ReadOnlySpan<int> tokens, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Generator generator = _generator ?? throw new InvalidOperationException("CreateSampler first.");
        DropUnaccepted();
        if (tokens.IsEmpty)
        {
            return;
        }

        Run(generator, tokens, generate: false, cancellationToken);
        _cached.AddRange(tokens);
        _evaluated = _cached.Count;
        TotalTokensDecoded += tokens.Length;
    }

    public void Accept(int token, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Generator generator = _generator ?? throw new InvalidOperationException("CreateSampler first.");
        if ((int)generator.TokenCount() != _cached.Count + 1 || generator.GetSequence(0)[_cached.Count] != token)
        {
            throw new InvalidOperationException("The accepted token is not the one GenAI just picked.");
        }

        // GenAI already stored it; it is evaluated by the next GenerateNextToken.
        _cached.Add(token);
        TotalTokensDecoded++;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeGenerator();
    }

    private int Next(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Generator generator = _generator ?? throw new InvalidOperationException("CreateSampler first.");
        DropUnaccepted();
        Run(generator, default, generate: true, cancellationToken);
        _evaluated = _cached.Count; // Everything accepted so far has been evaluated now.
        return generator.GetNextTokens()[0];
    }

    private void StartGenerator(SamplingKey key)
    {
        DisposeGenerator();
        var parameters = new GeneratorParams(_model);
        try
        {
            parameters.SetSearchOption("max_length", ContextSize);
            parameters.SetSearchOption("num_beams", 1);
            parameters.SetSearchOption("num_return_sequences", 1);
            parameters.SetSearchOption("do_sample", key.DoSample);
            if (key.DoSample)
            {
                parameters.SetSearchOption("temperature", key.Temperature);
                if (key.TopP is double topP)
                {
                    parameters.SetSearchOption("top_p", topP);
                }

                if (key.TopK is int topK)
                {
                    parameters.SetSearchOption("top_k", topK);
                }

                if (key.Seed is int seed)
                {
                    parameters.SetSearchOption("random_seed", seed);
                }
            }

            using (GenAILog.Scope scope = GenAILog.Enter(_logger))
            {
                try
                {
                    _generator = new Generator(_model, parameters);
                }
                catch (OnnxRuntimeGenAIException ex)
                {
                    throw GenAIErrors.Runtime("creating a generator", ex, [.. scope.Lines]);
                }
            }
        }
        catch
        {
            parameters.Dispose();
            throw;
        }

        CurrentParameters = parameters;
        _key = key;
        GeneratorsCreated++;
    }

    private void DisposeGenerator()
    {
        _generator?.Dispose();
        _generator = null;
        CurrentParameters?.Dispose();
        CurrentParameters = null;
        _key = null;
        _cached.Clear();
        _evaluated = 0;
    }

    // A picked token the pipeline did not accept (a stop sequence's last token, one that would not fit) leaves GenAI's sequence.
    private void DropUnaccepted()
    {
        if (_generator is not null && (int)_generator.TokenCount() > _cached.Count)
        {
            Rewind(_cached.Count);
        }
    }

    private void Rewind(int length)
    {
        Generator generator = _generator!;
        try
        {
            generator.RewindTo((ulong)length);
            _cached.RemoveRange(length, _cached.Count - length);
            _evaluated = Math.Min(_evaluated, length);
        }
        catch (OnnxRuntimeGenAIException)
        {
            // A generator that cannot rewind (for example a model without a KV cache to trim) starts over.
            SamplingKey key = _key!.Value;
            StartGenerator(key);
        }
    }

    /// <summary>
    /// Runs one GenAI call that evaluates the model. Cancellation sets <c>terminate_session</c>, which makes ONNX
    /// Runtime stop between graph nodes; after a terminated or failed run the generator is recreated (an empty
    /// cache), so the next request evaluates its whole prompt on a sound cache.
    /// </summary>
    /// <remarks>
    /// Called once per generated token, so it allocates nothing when the request cannot be cancelled: no closure, no
    /// delegate, and a registration only for a token that can be cancelled (its state is this session).
    /// </remarks>
    private void Run(Generator generator, ReadOnlySpan<int> append, bool generate, CancellationToken cancellationToken)
    {
        _terminated = false;
        OnnxRuntimeGenAIException? failure = null;
        using (GenAILog.Scope scope = GenAILog.Enter(_logger))
        {
            using (cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static state => ((GenAISession)state!).Terminate(), this) : default)
            {
                try
                {
                    if (generate)
                    {
                        generator.GenerateNextToken();
                    }
                    else
                    {
                        generator.AppendTokens(append);
                    }
                }
                catch (OnnxRuntimeGenAIException ex)
                {
                    failure = ex;
                }
            }

            // Disposing the registration waited for a running callback, so the flag is final here.
            bool terminated = Volatile.Read(ref _terminated);
            if (terminated)
            {
                generator.SetRuntimeOption("terminate_session", "0");
            }

            if (failure is null)
            {
                return;
            }

            // A run that failed or was terminated leaves GenAI's KV cache unusable (run on the tiny model: after a
            // terminated prompt run and RewindTo, the next reply came from garbage marker flags), so start over.
            StartGenerator(_key!.Value);
            if (terminated)
            {
                throw new OperationCanceledException("ONNX Runtime GenAI stopped the run (terminate_session) because the request was cancelled.", failure, cancellationToken);
            }

            throw GenAIErrors.Runtime(generate ? "generating a token" : "evaluating the prompt", failure, [.. scope.Lines]);
        }
    }

    // The cancellation callback of Run: stops ONNX Runtime between graph nodes.
    private void Terminate()
    {
        Volatile.Write(ref _terminated, true);
        _generator?.SetRuntimeOption("terminate_session", "1");
    }

    private sealed class Sampler(GenAISession session) : ITokenSampler
    {
        public int Next(CancellationToken cancellationToken) => session.Next(cancellationToken);

        public void Dispose()
        {
        }
    }

    /// <summary>The search options that are fixed per generator, normalised so equal behaviour means an equal key.</summary>
    private readonly record struct SamplingKey(bool DoSample, double Temperature, double? TopP, int? TopK, int? Seed)
    {
        /// <summary>A seeded sampler must start from its seed, which an existing generator has already advanced.</summary>
        public bool FreshPerRequest => DoSample && Seed is not null;

        public static SamplingKey From(GenerationSettings settings)
        {
            if (settings.Temperature is not float t || t <= 0)
            {
                return new SamplingKey(false, 0, null, null, null); // Greedy: the other options do not matter.
            }

            double? topP = settings.TopP is float p && p > 0 && p < 1 ? p : null;
            int? topK = settings.TopK is int k && k > 0 ? k : null;
            int? seed = settings.Seed is long s ? (int)(s & int.MaxValue) : null;
            return new SamplingKey(true, t, topP, topK, seed);
        }
    }
}
