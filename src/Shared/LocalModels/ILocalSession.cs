namespace ToolLoop.LocalModels;

/// <summary>
/// The context-side half of a local runtime: one KV cache (one sequence) and the token picker. Not thread-safe;
/// <see cref="LocalChatPipeline"/> calls it from one request at a time, in this order per request:
/// <see cref="CreateSampler"/>, <see cref="Trim"/>, <see cref="Append"/> (the prompt's new tokens), then
/// <see cref="ITokenSampler.Next"/> and <see cref="Accept"/> per generated token.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="CachedTokens"/> is the contract between the two: it always equals what the cache holds. After a
/// failed or aborted <see cref="Append"/> the runtime re-reads it from the cache (some micro-batches may have been
/// kept) before throwing, so the next request reuses exactly what is there.
/// </para>
/// <para>
/// A token returned by <see cref="ITokenSampler.Next"/> is not in <see cref="CachedTokens"/> until
/// <see cref="Accept"/>; the pipeline never accepts an end-of-generation token, the token that completes a stop
/// sequence, or a token that would not fit (a runtime that stores the picked token itself, as ONNX Runtime GenAI
/// does, keeps it out of its mirror until then).
/// </para>
/// </remarks>
internal interface ILocalSession : IDisposable
{
    /// <summary>The context size in tokens (prompt plus answer).</summary>
    int ContextSize { get; }

    /// <summary>The tokens the cache holds, in order.</summary>
    IReadOnlyList<int> CachedTokens { get; }

    /// <summary>Tokens evaluated by this session since it was created (prompt and output).</summary>
    long TotalTokensDecoded { get; }

    /// <summary>
    /// Creates the request's token picker. Called before the prompt is loaded, because a runtime whose sampling
    /// options are fixed per generator may have to start a new one (and empty the cache) here.
    /// </summary>
    /// <exception cref="NotSupportedException">The settings ask for something the runtime cannot do (for example a grammar).</exception>
    ITokenSampler CreateSampler(GenerationSettings settings);

    /// <summary>Drops cached tokens from position <paramref name="keep"/> on. A cache that cannot drop a suffix may drop everything; <see cref="CachedTokens"/> says what is left.</summary>
    void Trim(int keep);

    /// <summary>
    /// Evaluates <paramref name="tokens"/> after the cached ones, leaving the next-token distribution of the last one.
    /// Cancellation is honoured inside a long evaluation (<see cref="OperationCanceledException"/>).
    /// </summary>
    void Append(ReadOnlySpan<int> tokens, CancellationToken cancellationToken);

    /// <summary>Makes the token just returned by <see cref="ITokenSampler.Next"/> part of the cache, because generation goes on after it.</summary>
    void Accept(int token, CancellationToken cancellationToken);
}
