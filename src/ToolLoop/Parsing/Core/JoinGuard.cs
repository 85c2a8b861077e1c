namespace ToolLoop.Parsing;

/// <summary>
/// Keeps data from becoming framing tokens when markup is removed from text: a stripped marker (a leaked end-of-turn
/// token, a stray closer) joins the text on both sides of it, so <c>&lt;tool_</c> + <c>&lt;|im_end|&gt;</c> +
/// <c>call&gt;</c> would come out as <c>&lt;tool_call&gt;</c>. The marker stays as text when the text before it (as it went
/// out) ends with the start of any format's marker and the text after it (past the whitespace the boundary drops)
/// goes on with the rest of that marker.
/// </summary>
internal static class JoinGuard
{
    // Whitespace after the stripped marker that is looked through; past it, any marker start before the marker keeps it.
    private const int MaxWhitespace = 64;

    // Every proper prefix of every marker any format reads in text, with the rests that complete it.
    private static readonly Lazy<(Dictionary<string, string[]> Rests, int Longest)> s_markers = new(Build);

    /// <summary>Gets the number of characters of text before a stripped marker the check needs (the longest marker less one).</summary>
    public static int TailLength => s_markers.Value.Longest - 1;

    /// <summary>
    /// Whether removing the marker that ends at <paramref name="after"/> would join <paramref name="before"/> (the end of
    /// the text that went out) with the text that follows into a marker: Full (keep the marker as text), None (strip it),
    /// or Partial (the text ends before that is known; wait unless <paramref name="final"/>).
    /// </summary>
    public static MatchKind Joins(ReadOnlySpan<char> before, ReadOnlySpan<char> span, int after, bool final)
    {
        var rests = s_markers.Value.Rests;
        var lookup = rests.GetAlternateLookup<ReadOnlySpan<char>>();
        var longest = Math.Min(before.Length, TailLength);
        var s = longest;
        while (s > 0 && !lookup.ContainsKey(before[^s..]))
        {
            s--;
        }

        if (s == 0)
        {
            // The text before ends with no marker's start: nothing can join (the common case, decided at once).
            return MatchKind.None;
        }

        var k = after;
        while (k < span.Length && k - after < MaxWhitespace && char.IsWhiteSpace(span[k]))
        {
            k++;
        }

        if (k - after >= MaxWhitespace)
        {
            // What comes after the whitespace is not looked at (the run could be any length): the marker stays.
            return MatchKind.Full;
        }

        if (k >= span.Length)
        {
            return final ? MatchKind.None : MatchKind.Partial;
        }

        var result = MatchKind.None;
        for (; s > 0; s--)
        {
            if (!lookup.TryGetValue(before[^s..], out var completions))
            {
                continue;
            }

            foreach (var rest in completions)
            {
                switch (Spans.MatchAt(span, k, rest))
                {
                    case MatchKind.Full:
                        return MatchKind.Full;
                    case MatchKind.Partial when !final:
                        result = MatchKind.Partial;
                        break;
                }
            }
        }

        return result;
    }

    private static (Dictionary<string, string[]>, int) Build()
    {
        var markers = Enum.GetValues<ToolCallFormat>()
            .SelectMany(f => FormatTable.For(f, hasTools: true).Content.All.Concat(FormatTable.For(f, hasTools: true).Reasoning.All))
            .Select(m => m.Text)
            .Where(t => t.Length > 1)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var rests = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var m in markers)
        {
            for (var s = 1; s < m.Length; s++)
            {
                var prefix = m[..s];
                if (!rests.TryGetValue(prefix, out var list))
                {
                    rests[prefix] = list = [];
                }

                list.Add(m[s..]);
            }
        }

        return (rests.ToDictionary(p => p.Key, p => p.Value.Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal), markers.Max(m => m.Length));
    }
}
