namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>Sets of Unicode code points as sorted, disjoint, inclusive ranges.</summary>
internal static class CodePointSet
{
    /// <summary>Sorts and merges ranges (overlapping or adjacent ones become one).</summary>
    public static List<(int Lo, int Hi)> Normalize(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var sorted = ranges.Where(r => r.Lo <= r.Hi).OrderBy(r => r.Lo).ToList();
        var result = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in sorted)
        {
            if (result.Count > 0 && lo <= result[^1].Hi + 1)
            {
                result[^1] = (result[^1].Lo, Math.Max(result[^1].Hi, hi));
            }
            else
            {
                result.Add((lo, hi));
            }
        }

        return result;
    }

    public static List<(int Lo, int Hi)> Complement(IReadOnlyList<(int Lo, int Hi)> ranges)
    {
        var result = new List<(int Lo, int Hi)>();
        var next = 0;
        foreach (var (lo, hi) in ranges)
        {
            if (lo > next)
            {
                result.Add((next, lo - 1));
            }

            next = hi + 1;
        }

        if (next <= Gbnf.MaxCodePoint)
        {
            result.Add((next, Gbnf.MaxCodePoint));
        }

        return result;
    }

    public static List<(int Lo, int Hi)> Intersect(IReadOnlyList<(int Lo, int Hi)> a, IReadOnlyList<(int Lo, int Hi)> b)
    {
        var result = new List<(int Lo, int Hi)>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var lo = Math.Max(a[i].Lo, b[j].Lo);
            var hi = Math.Min(a[i].Hi, b[j].Hi);
            if (lo <= hi)
            {
                result.Add((lo, hi));
            }

            if (a[i].Hi < b[j].Hi)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    public static List<(int Lo, int Hi)> Subtract(IReadOnlyList<(int Lo, int Hi)> a, IReadOnlyList<(int Lo, int Hi)> b) => Intersect(a, Complement(b));

    public static bool Contains(IReadOnlyList<(int Lo, int Hi)> ranges, int cp)
    {
        foreach (var (lo, hi) in ranges)
        {
            if (cp >= lo && cp <= hi)
            {
                return true;
            }
        }

        return false;
    }
}
