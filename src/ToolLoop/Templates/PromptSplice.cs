using System.Security.Cryptography;

namespace ToolLoop;

/// <summary>
/// Blocks of segments that the renderer writes itself (the family's tool block, folded calls and results) and the
/// placeholders that stand for them in message text while the template renders: after the render each placeholder
/// is replaced by its block, so the block keeps its own framing/data split whatever the template does around it.
/// </summary>
/// <remarks>Placeholders are private-use characters around a random nonce: message text cannot forge one. One
/// instance per render; not thread-safe.</remarks>
internal sealed class PromptSplice
{
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    // Made on the first block: most requests splice nothing.
    private string? _prefix;
    private readonly List<IReadOnlyList<TemplateSegment>> _blocks = [];
    private readonly List<string?> _insertBefore = [];

    public int Count => _blocks.Count;

    /// <summary>Adds a block and returns its placeholder. With <paramref name="insertBeforeMarker"/>, the block goes
    /// before the last occurrence of that framing text preceding the placeholder (Mistral's <c>[INST]</c>).</summary>
    public string Add(IReadOnlyList<TemplateSegment> block, string? insertBeforeMarker = null)
    {
        _prefix ??= Open + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + ".";
        _blocks.Add(block);
        _insertBefore.Add(insertBeforeMarker);
        return _prefix + (_blocks.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + Close;
    }

    /// <summary>Replaces each placeholder's first occurrence with its block and drops any other copy (a template that
    /// printed a text twice, or cut one). <paramref name="placed"/> tells which blocks found their placeholder.</summary>
    public List<TemplateSegment> Apply(IReadOnlyList<TemplateSegment> segments, out bool[] placed)
    {
        placed = new bool[_blocks.Count];
        if (_blocks.Count == 0)
        {
            return [.. segments];
        }

        string prefix = _prefix!;
        var result = new List<TemplateSegment>(segments.Count + 16);
        foreach (var seg in segments)
        {
            string text = seg.Text;
            int pos = 0;
            while (true)
            {
                int at = text.IndexOf(prefix, pos, StringComparison.Ordinal);
                if (at < 0)
                {
                    Add(result, seg, text[pos..]);
                    break;
                }

                Add(result, seg, text[pos..at]);
                int close = text.IndexOf(Close, at + prefix.Length);
                int end = close < 0 ? text.Length : close + 1;
                if (close > 0 && int.TryParse(text.AsSpan(at + prefix.Length, close - at - prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
                    && index < _blocks.Count && !placed[index])
                {
                    placed[index] = true;
                    Insert(result, _blocks[index], _insertBefore[index]);
                }

                pos = end;
            }
        }

        return result;
    }

    private static void Add(List<TemplateSegment> result, TemplateSegment like, string text)
    {
        if (text.Length > 0)
        {
            result.Add(like with { Text = text });
        }
    }

    private static void Insert(List<TemplateSegment> result, IReadOnlyList<TemplateSegment> block, string? beforeMarker)
    {
        int insertAt = result.Count;
        if (beforeMarker is not null)
        {
            for (int i = result.Count - 1; i >= 0; i--)
            {
                int m = result[i].IsData ? -1 : result[i].Text.LastIndexOf(beforeMarker, StringComparison.Ordinal);
                if (m < 0)
                {
                    continue;
                }

                var s = result[i];
                result.RemoveAt(i);
                if (m > 0)
                {
                    result.Insert(i, s with { Text = s.Text[..m] });
                    i++;
                }

                result.Insert(i, s with { Text = s.Text[m..] });
                insertAt = i;
                break;
            }
        }

        result.InsertRange(insertAt, block.Where(b => b.Text.Length > 0));
    }
}
