using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>
/// One generation on an <see cref="ILocalSession"/>: load the prompt reusing the longest cached prefix, then
/// pick → detokenize → accept one token at a time until an end-of-generation token, a stop sequence, the token
/// limit or a full context. Each step is synchronous and short; the caller checks cancellation between steps and
/// the runtime checks it inside evaluation.
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private readonly ILocalModel _model;
    private readonly ILocalSession _session;
    private readonly GenerationSettings _settings;
    private readonly ITokenTextDecoder _decoder;
    private readonly StopSequenceMatcher _stops;
    private ITokenSampler? _sampler;
    private bool _done;
    private bool _stoppedBySequence;

    public GenerationRun(ILocalModel model, ILocalSession session, GenerationSettings settings)
    {
        _model = model;
        _session = session;
        _settings = settings;
        _stops = new StopSequenceMatcher(settings.StopSequences);
        _decoder = model.CreateTextDecoder();
    }

    public int PromptTokens { get; private set; }

    public int PromptTokensReused { get; private set; }

    public int OutputTokens { get; private set; }

    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>
    /// Creates the sampler and makes the cache hold exactly <paramref name="prompt"/>: the longest common prefix
    /// with the cached tokens is kept, the rest trimmed, and only the new tokens are evaluated. When the whole
    /// prompt is cached, its last token is evaluated again for fresh next-token probabilities.
    /// </summary>
    /// <param name="prompt">The prompt tokens; not empty, shorter than the context.</param>
    /// <param name="tooLong">Creates the exception for a prompt that does not fit the context.</param>
    /// <param name="cancellationToken">Checked inside evaluation.</param>
    public void Prefill(int[] prompt, Func<int, int, Exception> tooLong, CancellationToken cancellationToken)
    {
        if (prompt.Length == 0)
        {
            throw new ArgumentException("The prompt has no tokens.", nameof(prompt));
        }

        if (prompt.Length >= _session.ContextSize)
        {
            throw tooLong(prompt.Length, _session.ContextSize);
        }

        PromptTokens = prompt.Length;
        _sampler = _session.CreateSampler(_settings);
        _session.Trim(Reusable(prompt));
        int kept = _session.CachedTokens.Count;
        _session.Append(prompt.AsSpan(kept), cancellationToken);
        PromptTokensReused = kept;
    }

    /// <summary>How many prompt tokens <see cref="Prefill"/> would evaluate if the cache keeps what it holds (a cache that cannot drop a suffix may need more).</summary>
    public int TokensToEvaluate(int[] prompt) => prompt.Length - Reusable(prompt);

    /// <summary>Generates one token; returns false when generation has ended. <paramref name="text"/> may be empty (an incomplete character, or held-back text).</summary>
    public bool Step(out string text, CancellationToken cancellationToken)
    {
        text = string.Empty;
        if (_done)
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_settings.MaxOutputTokens is { } max && OutputTokens >= max)
        {
            return End(ChatFinishReason.Length);
        }

        ITokenSampler sampler = _sampler ?? throw new InvalidOperationException("Prefill first.");
        int token = sampler.Next(cancellationToken);
        if (_model.IsEndOfGeneration(token))
        {
            return End(ChatFinishReason.Stop);
        }

        OutputTokens++;
        text = _stops.Append(_decoder.Append(token), out bool stopped);
        if (stopped)
        {
            _done = true;
            _stoppedBySequence = true;
            FinishReason = ChatFinishReason.Stop;
            return true;
        }

        if (_session.CachedTokens.Count + 1 >= _session.ContextSize)
        {
            _done = true;
            FinishReason = ChatFinishReason.Length;
            return true;
        }

        _session.Accept(token, cancellationToken);
        return true;
    }

    /// <summary>The text held back at the end (an incomplete character, or text that was not a stop sequence after all).</summary>
    public string Flush()
    {
        if (_stoppedBySequence)
        {
            return string.Empty; // Everything from the stop sequence on is dropped.
        }

        string tail = _decoder.Flush();
        string rest = _stops.Append(tail, out bool stopped);
        return stopped ? rest : rest + _stops.Flush();
    }

    public void Dispose()
    {
        _sampler?.Dispose();
        _decoder.Dispose();
    }

    // The cached tokens the prompt keeps: the longest common prefix, less its last token when that is the whole prompt
    // (it is evaluated again for fresh next-token probabilities).
    private int Reusable(int[] prompt)
    {
        IReadOnlyList<int> cached = _session.CachedTokens;
        int common = 0;
        int limit = Math.Min(cached.Count, prompt.Length);
        while (common < limit && cached[common] == prompt[common])
        {
            common++;
        }

        return common == prompt.Length ? common - 1 : common;
    }

    private bool End(ChatFinishReason reason)
    {
        _done = true;
        FinishReason = reason;
        return false;
    }
}
