namespace ToolLoop.Parsing;

/// <summary>
/// A resumable tracker of JSON structure (strings, escapes, nesting) that finds where a top-level object or array
/// ends without parsing it, and knows how to close it if the text stops early.
/// </summary>
internal sealed class JsonScanner(int maxDepth)
{
    private readonly Stack<char> _open = new();
    private bool _inString;
    private bool _escape;

    public bool Started { get; private set; }

    public bool Done { get; private set; }

    public bool InString => _inString;

    /// <summary>Gets the deepest nesting seen.</summary>
    public int MaxDepthSeen { get; private set; }

    public bool TooDeep => MaxDepthSeen > maxDepth;

    public int Depth { get; private set; }

    /// <summary>Feeds characters from <paramref name="pos"/> until the top-level value closes (pos is then just past it) or the text ends.</summary>
    /// <returns><see langword="true"/> when the value closed.</returns>
    public bool Feed(ReadOnlySpan<char> text, ref int pos)
    {
        var i = pos;
        while (i < text.Length)
        {
            if (_inString)
            {
                if (_escape)
                {
                    _escape = false;
                    i++;
                    continue;
                }

                // Long string values (code, documents) are most of a call: skip to the next quote or backslash at once.
                var rel = IndexOfQuoteOrBackslash(text[i..]);
                if (rel < 0)
                {
                    i = text.Length;
                    break;
                }

                i += rel;
                if (text[i++] != '\\')
                {
                    _inString = false;
                }
                else if (i < text.Length)
                {
                    // The escaped character is plain text whatever it is: step over it here.
                    i++;
                }
                else
                {
                    _escape = true;
                }

                continue;
            }

            var c = text[i++];

            switch (c)
            {
                case '"':
                    _inString = true;
                    break;
                case '{' or '[':
                    Started = true;
                    Depth++;
                    if (Depth > MaxDepthSeen)
                    {
                        MaxDepthSeen = Depth;
                    }

                    if (Depth <= maxDepth + 1)
                    {
                        _open.Push(c == '{' ? '}' : ']');
                    }

                    break;
                case '}' or ']':
                    if (Depth > 0)
                    {
                        if (Depth <= maxDepth + 1)
                        {
                            _open.Pop();
                        }

                        Depth--;
                        if (Depth == 0 && Started)
                        {
                            Done = true;
                            pos = i;
                            return true;
                        }
                    }

                    break;
            }
        }

        pos = i;
        return false;
    }

    /// <summary>
    /// The index of the next <c>"</c> or <c>\\</c>, or -1: the first characters one by one (code holds an escape every
    /// few characters, where starting a vectorised search costs more than it saves), then a vectorised search.
    /// </summary>
    private static int IndexOfQuoteOrBackslash(ReadOnlySpan<char> s)
    {
        var n = Math.Min(s.Length, 16);
        for (var k = 0; k < n; k++)
        {
            if (s[k] is '"' or '\\')
            {
                return k;
            }
        }

        if (n == s.Length)
        {
            return -1;
        }

        var rel = s[n..].IndexOfAny('"', '\\');
        return rel < 0 ? -1 : n + rel;
    }

    /// <summary>Returns the text that closes what is open (string, arrays, objects), or <see langword="null"/> when it cannot be closed safely.</summary>
    public string? Closers()
    {
        if (TooDeep)
        {
            return null;
        }

        var sb = new System.Text.StringBuilder(_open.Count + 1);
        if (_inString)
        {
            sb.Append('"');
        }

        foreach (var c in _open)
        {
            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Gets a value indicating whether the text ended right after a backslash inside a string.</summary>
    public bool PendingEscape => _inString && _escape;
}
