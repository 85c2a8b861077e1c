using System.Buffers;
using System.Text;
using ToolLoop.Parsing;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Baseline (a), the floor: one vectorised <see cref="SearchValues{T}"/> pass over the output that stops at every
/// character (or UTF-8 lead byte) any of the format's markers starts with, and does nothing else. No parser can read
/// the output faster than it can find where markup might begin.
/// </summary>
/// <remarks>The marker set is the parser's own (an internal table): no public API lists a format's markers.</remarks>
internal sealed class FloorScan
{
    private readonly SearchValues<char> _chars;
    private readonly SearchValues<byte> _bytes;

    public FloorScan(ToolCallFormat format, bool hasTools)
    {
        var table = FormatTable.For(format, hasTools);
        var chars = new List<char>();
        var lead = new HashSet<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (table.Content.FirstChars.Contains((char)c) || table.Reasoning.FirstChars.Contains((char)c))
            {
                chars.Add((char)c);
                if (!char.IsSurrogate((char)c))
                {
                    Encoding.UTF8.GetBytes([(char)c], utf8);
                    lead.Add(utf8[0]);
                }
            }
        }

        _chars = SearchValues.Create([.. chars]);
        _bytes = SearchValues.Create([.. lead]);
    }

    /// <summary>Counts the positions where a marker could start in <paramref name="text"/>.</summary>
    public int Count(ReadOnlySpan<char> text)
    {
        int hits = 0;
        int i;
        while ((i = text.IndexOfAny(_chars)) >= 0)
        {
            hits++;
            text = text[(i + 1)..];
        }

        return hits;
    }

    /// <summary>Counts the positions where a marker could start in <paramref name="utf8"/>.</summary>
    public int Count(ReadOnlySpan<byte> utf8)
    {
        int hits = 0;
        int i;
        while ((i = utf8.IndexOfAny(_bytes)) >= 0)
        {
            hits++;
            utf8 = utf8[(i + 1)..];
        }

        return hits;
    }
}
