using System.Text;
using LLama.Native;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// Tokenizes a rendered prompt so that data can never become framing, and so that the result equals llama.cpp's
/// tokenization of the whole prompt text wherever data holds no added token's text.
/// </summary>
/// <remarks>
/// <para>
/// llama.cpp matches its added tokens in raw text before the vocabulary's own algorithm runs: control tokens only with
/// special-token parsing, but <i>user-defined</i> tokens (Qwen's <c>&lt;tool_call&gt;</c>, <c>&lt;tools&gt;</c>,
/// <c>&lt;think&gt;</c>: added tokens the GGUF converter did not mark special) always. Tokenizing data with parsing off
/// is therefore not enough.
/// </para>
/// <para>
/// So the prompt is partitioned here, the way llama.cpp partitions it (longest added token first, with its lstrip and
/// rstrip attributes), but in framing only: framing's added tokens become their ids, and everything between them,
/// framing text and data alike, forms raw runs. Each run is tokenized in one call with parsing off, as llama.cpp
/// tokenizes the raw fragments of a whole prompt (merges across a framing/data boundary and SentencePiece's
/// <c>add_space_prefix</c> come out the same). Where a user-defined token's text would form with any data character in
/// it, the run is cut inside that text (after its first character), so the token cannot form; the cut is the one place
/// where the result departs from whole-prompt tokenization. A SentencePiece vocabulary that adds a space prefix to
/// every call gets none at such a cut (a non-mergeable sentinel is tokenized in front and dropped).
/// </para>
/// </remarks>
internal sealed class LlamaPromptTokenizer
{
    private readonly LlamaModel _model;
    private readonly AddedToken[] _added;
    private readonly Dictionary<char, string[]> _matchedWithoutParsing;
    private readonly int[]? _prefixSentinel;

    public LlamaPromptTokenizer(LlamaModel model)
    {
        _model = model;
        var added = new List<AddedToken>();
        for (int id = 0; id < model.VocabularySize; id++)
        {
            LLamaTokenAttr attr = model.TokenAttributes(id);
            if ((attr & (LLamaTokenAttr.Control | LLamaTokenAttr.UserDefined | LLamaTokenAttr.Unknown)) == 0)
            {
                continue;
            }

            string text = model.TokenText(id);
            if (text.Length > 0)
            {
                added.Add(new AddedToken(text, id, attr));
            }
        }

        // llama.cpp tries longer tokens first.
        _added = [.. added.OrderByDescending(t => t.Text.Length).ThenBy(t => t.Id)];
        _matchedWithoutParsing = _added
            .Where(t => (t.Attributes & LLamaTokenAttr.UserDefined) != 0)
            .GroupBy(t => t.Text[0])
            .ToDictionary(g => g.Key, g => g.Select(t => t.Text).ToArray()); // each group longest first

        if (model.VocabularyType == LLamaVocabType.SentencePiece)
        {
            // With add_space_prefix the sentinel comes back as the prefix's tokens (a space piece, or its byte tokens
            // when the vocabulary has none) followed by the sentinel's own byte token.
            int[] sentinel = model.Tokenize(Sentinel, addSpecial: false, parseSpecial: false);
            byte[] piece = new byte[8];
            bool endsWithSentinel = sentinel.Length > 0 && model.TokenToPiece(sentinel[^1], ref piece, special: true) == 1 && piece[0] == 1;
            _prefixSentinel = sentinel.Length >= 2 && endsWithSentinel ? sentinel : null;
        }
    }

    private const string Sentinel = "\u0001";

    /// <summary>The added tokens (control, user-defined, unknown) whose text llama.cpp matches in raw text, longest first.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _added;

    public int[] Tokenize(IReadOnlyList<TemplateSegment> segments)
    {
        var tokens = new List<int>();
        var run = new StringBuilder();
        var dataRanges = new List<(int Start, int End)>();
        foreach (TemplateSegment segment in Coalesce(segments))
        {
            if (segment.IsData)
            {
                int start = run.Length;
                run.Append(segment.Text);
                dataRanges.Add((start, run.Length));
                continue;
            }

            foreach (Fragment fragment in Partition(segment.Text))
            {
                if (fragment.Token >= 0)
                {
                    FlushRun(run, dataRanges, tokens);
                    tokens.Add(fragment.Token);
                }
                else
                {
                    run.Append(segment.Text, fragment.Start, fragment.Length);
                }
            }
        }

        FlushRun(run, dataRanges, tokens);
        if (_model.AddBos && _model.BosToken >= 0 && (tokens.Count == 0 || tokens[0] != _model.BosToken))
        {
            tokens.Insert(0, _model.BosToken);
        }

        return [.. tokens];
    }

    // Adjacent framing segments are one text to llama.cpp: an added token may span them.
    private static IEnumerable<TemplateSegment> Coalesce(IReadOnlyList<TemplateSegment> segments)
    {
        var framing = new StringBuilder();
        foreach (TemplateSegment segment in segments)
        {
            if (!segment.IsData)
            {
                framing.Append(segment.Text);
                continue;
            }

            if (framing.Length > 0)
            {
                yield return new TemplateSegment(framing.ToString(), false);
                framing.Clear();
            }

            yield return segment;
        }

        if (framing.Length > 0)
        {
            yield return new TemplateSegment(framing.ToString(), false);
        }
    }

    /// <summary>llama.cpp's partition of text into added tokens and raw fragments (<c>tokenizer_st_partition</c>, with special-token parsing).</summary>
    internal List<Fragment> Partition(string text)
    {
        var fragments = new List<Fragment> { new(-1, 0, text.Length) };
        foreach (AddedToken token in _added)
        {
            if (text.IndexOf(token.Text[0], StringComparison.Ordinal) < 0)
            {
                continue;
            }

            for (int f = 0; f < fragments.Count; f++)
            {
                Fragment raw = fragments[f];
                if (raw.Token >= 0)
                {
                    continue;
                }

                int offset = raw.Start;
                int length = raw.Length;
                while (length > 0)
                {
                    int match = text.IndexOf(token.Text, offset, length, StringComparison.Ordinal);
                    if (match < 0)
                    {
                        break;
                    }

                    fragments.RemoveAt(f);
                    int leftLength = match - offset;
                    if ((token.Attributes & LLamaTokenAttr.LStrip) != 0)
                    {
                        while (leftLength > 0 && IsCSpace(text[offset + leftLength - 1]))
                        {
                            leftLength--;
                        }
                    }

                    if (leftLength > 0)
                    {
                        fragments.Insert(f++, new Fragment(-1, offset, leftLength));
                    }

                    fragments.Insert(f, new Fragment(token.Id, match, token.Text.Length));
                    int rightStart = match + token.Text.Length;
                    int rightLength = offset + length - rightStart;
                    if ((token.Attributes & LLamaTokenAttr.RStrip) != 0)
                    {
                        while (rightLength > 0 && IsCSpace(text[rightStart]))
                        {
                            rightStart++;
                            rightLength--;
                        }
                    }

                    if (rightLength <= 0)
                    {
                        break;
                    }

                    fragments.Insert(++f, new Fragment(-1, rightStart, rightLength));
                    offset = rightStart;
                    length = rightLength;
                }
            }
        }

        return fragments;
    }

    private void FlushRun(StringBuilder run, List<(int Start, int End)> dataRanges, List<int> tokens)
    {
        if (run.Length == 0)
        {
            dataRanges.Clear();
            return;
        }

        string text = run.ToString();
        var cuts = new List<int>();
        if (dataRanges.Count > 0 && _matchedWithoutParsing.Count > 0)
        {
            FindCuts(text, dataRanges, cuts);
        }

        int start = 0;
        foreach (int cut in cuts)
        {
            AddRaw(text[start..cut], continuation: start > 0, tokens);
            start = cut;
        }

        AddRaw(text[start..], continuation: start > 0, tokens);
        run.Clear();
        dataRanges.Clear();
    }

    // One pass over the run: every occurrence of a user-defined token's text that overlaps data is cut after its first
    // character, so it cannot form (pieces after a cut start at the cut, so occurrences inside them are found later
    // in the same pass). Framing text alone holds no whole occurrence: the partition took those out.
    private void FindCuts(string text, List<(int Start, int End)> dataRanges, List<int> cuts)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!_matchedWithoutParsing.TryGetValue(text[i], out string[]? markers))
            {
                continue;
            }

            foreach (string marker in markers)
            {
                if (i + marker.Length <= text.Length && text.AsSpan(i, marker.Length).SequenceEqual(marker) && Overlaps(i, i + marker.Length, dataRanges))
                {
                    int cut = i + (char.IsHighSurrogate(text[i]) && marker.Length > 1 ? 2 : 1);
                    cuts.Add(cut);
                    i = cut - 1;
                    break;
                }
            }
        }
    }

    private static bool Overlaps(int start, int end, List<(int Start, int End)> ranges)
    {
        foreach ((int s, int e) in ranges)
        {
            if (start < e && s < end)
            {
                return true;
            }
        }

        return false;
    }

    private void AddRaw(string text, bool continuation, List<int> tokens)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (continuation && _prefixSentinel is { } sentinel)
        {
            // The piece continues the text before the cut: no space prefix. The sentinel cannot merge with anything, so
            // the tokens after it are the piece's own.
            int[] withSentinel = _model.Tokenize(Sentinel + text, addSpecial: false, parseSpecial: false);
            if (withSentinel.AsSpan().StartsWith(sentinel))
            {
                tokens.AddRange(withSentinel.AsSpan(sentinel.Length).ToArray());
                return;
            }
        }

        tokens.AddRange(_model.Tokenize(text, addSpecial: false, parseSpecial: false));
    }

    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>An added token of the vocabulary.</summary>
    internal readonly record struct AddedToken(string Text, int Id, LLamaTokenAttr Attributes);

    /// <summary>A partition fragment: an added token (<see cref="Token"/> ≥ 0) or raw text [<see cref="Start"/>, +<see cref="Length"/>).</summary>
    internal readonly record struct Fragment(int Token, int Start, int Length);
}
