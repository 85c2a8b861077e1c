using System.Text;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.LocalModels;

namespace ToolLoop.Onnx.Internal;

/// <summary>
/// The model side of the local pipeline on a GenAI <see cref="Model"/>: two tokenizers (one normal for framing, one
/// with <c>literal=true</c> for data, so user text and tool output can never form a special or added token), the
/// end-of-sequence ids, and decoding through GenAI's tokenizer stream.
/// </summary>
internal sealed class GenAILocalModel : ILocalModel, IDisposable
{
    private readonly Tokenizer _normal;
    private readonly Tokenizer _literal;
    private readonly Lock _lock = new();
    private readonly HashSet<int> _endOfSequence;
    private readonly int? _bos;

    public GenAILocalModel(Model model, ModelFolder folder, string? chatTemplate)
    {
        _normal = new Tokenizer(model);
        try
        {
            _literal = new Tokenizer(model);
            _literal.UpdateOptions(new Dictionary<string, string>(StringComparer.Ordinal) { ["literal"] = "true" });
            _endOfSequence = [.. _normal.GetEosTokenIds()];
            _bos = folder.AddBosToken ? TryGet(_normal.GetBosTokenId) : null;
        }
        catch
        {
            _literal?.Dispose();
            _normal.Dispose();
            throw;
        }

        ChatTemplate = chatTemplate;
        BosTokenText = folder.BosToken;
        EosTokenText = folder.EosToken;
    }

    public string? ChatTemplate { get; }

    public string? BosTokenText { get; }

    public string? EosTokenText { get; }

    /// <summary>The token ids that end generation (<c>eos_token_id</c> of <c>genai_config.json</c>).</summary>
    public IReadOnlyCollection<int> EndOfSequenceTokens => _endOfSequence;

    /// <summary>The normal tokenizer (tests use it as the <c>ApplyChatTemplate</c> oracle).</summary>
    internal Tokenizer Tokenizer => _normal;

    public int[] TokenizePrompt(IReadOnlyList<TemplateSegment> segments)
    {
        var tokens = new List<int>();
        lock (_lock)
        {
            foreach (TemplateSegment segment in segments)
            {
                if (segment.Text.Length == 0)
                {
                    continue;
                }

                using Sequences encoded = (segment.IsData ? _literal : _normal).Encode(segment.Text);
                tokens.AddRange(encoded[0]);
            }
        }

        // GenAI's Encode never adds BOS; add it once when the tokenizer would and the template did not write it.
        if (_bos is int bos && (tokens.Count == 0 || tokens[0] != bos))
        {
            tokens.Insert(0, bos);
        }

        return [.. tokens];
    }

    public bool IsEndOfGeneration(int token) => _endOfSequence.Contains(token);

    public int TokenToBytes(int token, ref byte[] buffer)
        => throw new NotSupportedException("GenAI exposes no per-token bytes; generated text is decoded through its tokenizer stream (CreateTextDecoder).");

    public ITokenTextDecoder CreateTextDecoder()
    {
        lock (_lock)
        {
            return new StreamDecoder(this, _normal.CreateStream());
        }
    }

    public void Dispose()
    {
        _literal.Dispose();
        _normal.Dispose();
    }

    private static int? TryGet(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (OnnxRuntimeGenAIException)
        {
            return null; // "bos_token_id is not defined for this model"
        }
    }

    /// <summary>
    /// GenAI's tokenizer stream returns "" while a character is incomplete. The tokens since the last text are kept,
    /// so a character left incomplete at the end comes out as U+FFFD (the whole decoder's view of those bytes) rather
    /// than vanishing.
    /// </summary>
    private sealed class StreamDecoder : ITokenTextDecoder
    {
        private readonly GenAILocalModel _owner;
        private readonly TokenizerStream _stream;
        private readonly List<int> _pending = [];

        public StreamDecoder(GenAILocalModel owner, TokenizerStream stream)
        {
            _owner = owner;
            _stream = stream;
        }

        public string Append(int token)
        {
            string text = _stream.Decode(token);
            if (text.Length == 0)
            {
                _pending.Add(token);
            }
            else
            {
                _pending.Clear();
            }

            return text;
        }

        public string Flush()
        {
            if (_pending.Count == 0)
            {
                return string.Empty;
            }

            string rest;
            lock (_owner._lock)
            {
                rest = _owner._normal.Decode([.. _pending]);
            }

            _pending.Clear();
            return rest.Contains('\uFFFD', StringComparison.Ordinal) ? rest : string.Empty;
        }

        public void Dispose() => _stream.Dispose();
    }
}
