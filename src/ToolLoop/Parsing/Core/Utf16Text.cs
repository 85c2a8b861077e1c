using System.Runtime.CompilerServices;

namespace ToolLoop.Parsing;

/// <summary>
/// The parser's one rule for text that is not valid Unicode: a lone surrogate, raw or written as a JSON escape
/// (<c>\ud800</c>), becomes U+FFFD, as invalid UTF-8 does. Every string the parser hands out goes through here, so
/// no consumer (a JSON writer, a serializer, a terminal) ever meets an unpaired surrogate.
/// </summary>
internal static class Utf16Text
{
    public const char Replacement = '\uFFFD';

    /// <summary>Returns <paramref name="text"/> itself when it is valid, otherwise a copy with lone surrogates replaced.</summary>
    public static string ToValidString(string text) => FirstLoneSurrogate(text) < 0 ? text : Replace(text, FirstLoneSurrogate(text));

    /// <summary>Returns <paramref name="text"/> as a string, lone surrogates replaced.</summary>
    public static string ToValidString(ReadOnlySpan<char> text)
    {
        var first = FirstLoneSurrogate(text);
        if (first < 0)
        {
            return new string(text);
        }

        return Replace(text, first);
    }

    /// <summary>The index of the first lone surrogate in <paramref name="text"/>, or -1.</summary>
    public static int FirstLoneSurrogate(ReadOnlySpan<char> text)
    {
        var i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var next = text[(i + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
                i = next < 0 ? -1 : i + 2 + next;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <summary>Replaces every lone surrogate of <paramref name="text"/> with U+FFFD, in place.</summary>
    public static void ReplaceLoneSurrogates(Span<char> text)
    {
        var i = FirstLoneSurrogate(text);
        if (i < 0)
        {
            return;
        }

        for (; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = Replacement;
            }
        }
    }

    /// <summary>Whether <paramref name="text"/> ends with a high surrogate whose low half may still come.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EndsWithHighSurrogate(ReadOnlySpan<char> text) => !text.IsEmpty && char.IsHighSurrogate(text[^1]);

    /// <summary>
    /// Returns JSON text with lone surrogates replaced: raw ones by U+FFFD, escaped ones (<c>\ud800</c> without its
    /// escaped pair) by <c>\ufffd</c>. JSON without either comes back as a plain copy.
    /// </summary>
    public static string ToValidJson(ReadOnlySpan<char> json)
    {
        var raw = FirstLoneSurrogate(json);
        var escaped = FirstLoneEscapedSurrogate(json, 0);
        if (raw < 0 && escaped < 0)
        {
            return new string(json);
        }

        var sb = new System.Text.StringBuilder(json.Length);
        var i = 0;
        while (i < json.Length)
        {
            var c = json[i];
            if (c == '\\' && i + 1 < json.Length)
            {
                if (json[i + 1] == 'u' && TryHex(json, i + 2, out var v) && char.IsSurrogate((char)v))
                {
                    if (!IsLoneEscapedSurrogateAt(json, i))
                    {
                        sb.Append(json.Slice(i, 12));
                        i += 12;
                        continue;
                    }

                    sb.Append("\\ufffd");
                    i += 6;
                    continue;
                }

                // Copy the escape whole, so an escaped backslash is never read as the start of another escape.
                var n = json[i + 1] == 'u' ? Math.Min(6, json.Length - i) : 2;
                sb.Append(json.Slice(i, n));
                i += n;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                {
                    sb.Append(c).Append(json[i + 1]);
                    i += 2;
                    continue;
                }

                sb.Append(Replacement);
                i++;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static string Replace(ReadOnlySpan<char> text, int first)
    {
        var chars = text.ToArray();
        for (var i = first; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = Replacement;
            }
        }

        return new string(chars);
    }

    /// <summary>The index of the first <c>\uXXXX</c> escape of a lone surrogate at or after <paramref name="from"/>, or -1.</summary>
    /// <remarks>
    /// Jumps from one <c>\u</c> to the next (a vectorised search: escapes such as <c>\n</c> in long strings cost nothing).
    /// A backslash run before the <c>u</c> starts an escape only when its length is odd (<c>\\u</c> is an escaped
    /// backslash, then a letter); runs are disjoint, so counting them back stays linear.
    /// </remarks>
    private static int FirstLoneEscapedSurrogate(ReadOnlySpan<char> json, int from)
    {
        var i = from;
        while (true)
        {
            var rel = json[i..].IndexOf("\\u", StringComparison.Ordinal);
            if (rel < 0)
            {
                return -1;
            }

            i += rel;
            var run = 1;
            while (i - run >= from && json[i - run] == '\\')
            {
                run++;
            }

            if (run % 2 == 1)
            {
                if (IsLoneEscapedSurrogateAt(json, i))
                {
                    return i;
                }

                // A high surrogate escape followed by its low pair is skipped whole.
                if (TryHex(json, i + 2, out var v) && char.IsHighSurrogate((char)v))
                {
                    i += 12;
                    continue;
                }
            }

            i += 2;
            if (i >= json.Length)
            {
                return -1;
            }
        }
    }

    /// <summary>Whether the escape at <paramref name="i"/> (<c>\u</c>) encodes a surrogate that is not paired by the next escape.</summary>
    private static bool IsLoneEscapedSurrogateAt(ReadOnlySpan<char> json, int i)
    {
        if (!TryHex(json, i + 2, out var v) || !char.IsSurrogate((char)v))
        {
            return false;
        }

        if (char.IsLowSurrogate((char)v))
        {
            // A low half is paired only when it follows a high escape; scanning moves past pairs whole, so here it is lone.
            return true;
        }

        return !(i + 12 <= json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out var low) && char.IsLowSurrogate((char)low));
    }

    private static bool TryHex(ReadOnlySpan<char> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var c = s[at + k];
            var d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | d;
        }

        return true;
    }
}
