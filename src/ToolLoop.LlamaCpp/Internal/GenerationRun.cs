using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// One generation on a <see cref="LlamaSession"/>: prefill, then sample → detokenize → decode one token
/// at a time until an end-of-generation token, a stop sequence, the token limit or a full context.
/// Each step is synchronous and short; the caller checks cancellation between steps and llama.cpp's
/// abort callback checks it inside decoding.
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private readonly LlamaSession _session;
    private readonly GenerationSettings _settings;
    private readonly SafeLlamaSamplerHandle _sampler;
    private readonly Utf8StreamDecoder _decoder = new();
    private readonly StopSequenceMatcher _stops;
    private byte[] _piece = new byte[64];
    private bool _done;
    private bool _stoppedBySequence;

    public GenerationRun(LlamaSession session, GenerationSettings settings)
    {
        _session = session;
        _settings = settings;
        _stops = new StopSequenceMatcher(settings.StopSequences);
        _sampler = SamplerFactory.Create(settings.Temperature, settings.TopP, settings.TopK, settings.Seed);
    }

    public int PromptTokens { get; private set; }

    public int PromptTokensReused { get; private set; }

    public int OutputTokens { get; private set; }

    public ChatFinishReason? FinishReason { get; private set; }

    public void Prefill(int[] prompt, CancellationToken cancellationToken)
    {
        PromptTokens = prompt.Length;
        PromptTokensReused = _session.LoadPrompt(prompt, cancellationToken);
    }

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

        LlamaModel model = _session.Model;
        int token = _session.Sample(_sampler);
        if (model.IsEndOfGeneration(token))
        {
            return End(ChatFinishReason.Stop);
        }

        OutputTokens++;
        int n = model.TokenToPiece(token, ref _piece, special: true);
        text = _stops.Append(_decoder.Append(_piece.AsSpan(0, n)), out bool stopped);
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

    public void Dispose() => _sampler.Dispose();

    private bool End(ChatFinishReason reason)
    {
        _done = true;
        FinishReason = reason;
        return false;
    }
}
