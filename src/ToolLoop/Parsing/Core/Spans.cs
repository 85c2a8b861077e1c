namespace ToolLoop.Parsing;

/// <summary>Small ordinal helpers shared by the region scanners.</summary>
internal static class Spans
{
    /// <summary>Compares <paramref name="marker"/> with <paramref name="text"/> at <paramref name="index"/>.</summary>
    public static MatchKind MatchAt(ReadOnlySpan<char> text, int index, string marker)
    {
        var rest = text.Length - index;
        if (rest >= marker.Length)
        {
            return text.Slice(index, marker.Length).SequenceEqual(marker) ? MatchKind.Full : MatchKind.None;
        }

        return text[index..].SequenceEqual(marker.AsSpan(0, rest)) ? MatchKind.Partial : MatchKind.None;
    }

    /// <summary>
    /// Compares <paramref name="a"/>, <paramref name="b"/> and <paramref name="c"/> at <paramref name="index"/>: <see cref="MatchKind.Full"/> if one
    /// matches, else <see cref="MatchKind.Partial"/> if one may still match when more text comes, else none. Tag readers
    /// use it to decide whether a candidate closer is followed by the next tag.
    /// </summary>
    public static MatchKind MatchAny(ReadOnlySpan<char> text, int index, string a, string b, string c)
    {
        var ka = MatchAt(text, index, a);
        var kb = MatchAt(text, index, b);
        var kc = MatchAt(text, index, c);
        return ka == MatchKind.Full || kb == MatchKind.Full || kc == MatchKind.Full ? MatchKind.Full
            : ka == MatchKind.Partial || kb == MatchKind.Partial || kc == MatchKind.Partial ? MatchKind.Partial
            : MatchKind.None;
    }

    /// <summary>Finds the first full occurrence of <paramref name="marker"/> at or after <paramref name="from"/>.</summary>
    /// <returns>The index of the marker; or, when none is complete, <c>-1 - k</c> where k is where a partial occurrence at the end starts (or the text length).</returns>
    public static int Find(ReadOnlySpan<char> text, int from, string marker)
    {
        var i = text[from..].IndexOf(marker, StringComparison.Ordinal);
        if (i >= 0)
        {
            return from + i;
        }

        // A marker cut by the end of the text can only start within its last (length - 1) characters.
        var start = Math.Max(from, text.Length - marker.Length + 1);
        for (var k = start; k < text.Length; k++)
        {
            if (text[k] == marker[0] && MatchAt(text, k, marker) == MatchKind.Partial)
            {
                return -1 - k;
            }
        }

        return -1 - text.Length;
    }

    /// <summary>The length of <paramref name="text"/> without a trailing proper prefix of <paramref name="marker"/> (a marker cut by the end of the output).</summary>
    public static int WithoutPartialMarker(ReadOnlySpan<char> text, string marker)
    {
        for (var k = Math.Min(marker.Length - 1, text.Length); k > 0; k--)
        {
            if (text.EndsWith(marker.AsSpan(0, k)))
            {
                return text.Length - k;
            }
        }

        return text.Length;
    }

    /// <summary>
    /// The length of <paramref name="text"/> without one marker of <paramref name="markers"/> cut by the end of the
    /// output: the longest trailing proper prefix of any of them. Only one is taken off, never one after another: once a
    /// cut marker is off, the text no longer ends where the output ends, so a cut marker before it is text, not markup.
    /// </summary>
    public static int WithoutPartialMarker(ReadOnlySpan<char> text, ReadOnlySpan<string> markers)
    {
        var end = text.Length;
        foreach (var m in markers)
        {
            end = Math.Min(end, WithoutPartialMarker(text, m));
        }

        return end;
    }

    /// <summary>Advances over JSON whitespace.</summary>
    public static int SkipWhitespace(ReadOnlySpan<char> text, int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }

        return pos;
    }

    /// <summary>Characters a tool name may hold: OpenAI's <c>[A-Za-z0-9_-]</c> plus <c>.</c> (MCP) and <c>:</c>/<c>/</c> seen in namespaced names.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' || (c > 127 && char.IsLetterOrDigit(c));
}
