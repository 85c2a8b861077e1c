using System.Runtime.InteropServices;
using System.Text;
using LLama.Native;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// The baseline for the adapter: a tight loop over the same LLamaSharp native calls the adapter makes — batch decode of
/// the prompt suffix after the longest common prefix with the cache, greedy sampling, token-to-piece, one-token
/// decodes — and the whole prompt tokenized in one call, with no rendering, parsing or chat-client layer. One context
/// and cache, like one client.
/// </summary>
internal sealed class NativeLoop : INativeLoop
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly SafeLLamaSamplerChainHandle _sampler;
    private readonly LLamaBatch _batch = new();
    private readonly List<int> _cached = [];
    private readonly int _batchSize;
    private byte[] _piece = new byte[64];

    public NativeLoop(SafeLlamaModelHandle model, int contextSize, int batchSize, int threads)
    {
        _model = model;
        _batchSize = batchSize;
        var parameters = LLamaContextParams.Default();
        parameters.n_ctx = (uint)contextSize;
        parameters.n_batch = (uint)batchSize;
        parameters.n_ubatch = (uint)batchSize;
        parameters.n_threads = threads;
        parameters.n_threads_batch = threads;
        _context = SafeLLamaContextHandle.Create(model, parameters);
        if (_context.IsInvalid)
        {
            throw new InvalidOperationException("llama.cpp could not create the baseline's context.");
        }

        _sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        _sampler.AddGreedySampler();
    }

    public int[] Tokenize(string text) => MemoryMarshal.Cast<LLamaToken, int>(_model.Tokenize(text, false, true, Encoding.UTF8)).ToArray();

    public int Prefill(int[] prompt)
    {
        int common = INativeLoop.Reusable(CollectionsMarshal.AsSpan(_cached), prompt);

        if (common < _cached.Count)
        {
            _context.MemorySequenceRemove(LLamaSeqId.Zero, common, -1);
            _cached.RemoveRange(common, _cached.Count - common);
        }

        Decode(prompt.AsSpan(common));
        return prompt.Length - common;
    }

    /// <summary>Samples greedily, turning each token into its bytes and feeding it back.</summary>
    public int Generate(int maxTokens, StringBuilder text)
    {
        var vocab = _model.Vocab;
        for (int n = 0; n < maxTokens; n++)
        {
            var token = _sampler.Sample(_context, -1);
            if (token.IsEndOfGeneration(vocab))
            {
                return n;
            }

            int length = checked((int)_model.TokenToSpan(token, _piece, 0, special: true));
            if (length > _piece.Length)
            {
                _piece = new byte[length];
                length = checked((int)_model.TokenToSpan(token, _piece, 0, special: true));
            }

            text.Append(Encoding.UTF8.GetString(_piece, 0, length));
            if (n + 1 < maxTokens)
            {
                Decode([(int)token]);
            }
        }

        return maxTokens;
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _context.Dispose();
    }

    private void Decode(ReadOnlySpan<int> tokens)
    {
        for (int start = 0; start < tokens.Length; start += _batchSize)
        {
            var chunk = tokens.Slice(start, Math.Min(_batchSize, tokens.Length - start));
            _batch.Clear();
            for (int i = 0; i < chunk.Length; i++)
            {
                _batch.Add(chunk[i], _cached.Count + i, LLamaSeqId.Zero, logits: i == chunk.Length - 1);
            }

            var result = _context.Decode(_batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed: {result}");
            }

            _cached.AddRange(chunk);
        }
    }
}
