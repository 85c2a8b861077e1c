using System.Buffers;

namespace ToolLoop.Parsing;

/// <summary>How a JSON text ended, as <see cref="JsonSyntax.Check(ReadOnlySpan{char}, int, bool)"/> reads it.</summary>
internal enum JsonStatus
{
    /// <summary>One complete value (the check's <c>End</c> is just past it).</summary>
    Complete,

    /// <summary>Not JSON: a character that cannot come where it stands.</summary>
    Invalid,

    /// <summary>Nested deeper than allowed.</summary>
    TooDeep,

    /// <summary>An object holds the same key twice (compared after unescaping).</summary>
    DuplicateKey,

    /// <summary>The text ended after complete values: closing what is open (and dropping a trailing comma) completes it.</summary>
    CutAtBoundary,

    /// <summary>The text ended inside a string, a number, a literal, a key, or where a value was due.</summary>
    CutInsideValue,
}

/// <summary>The outcome of <see cref="JsonSyntax.Check(ReadOnlySpan{char}, int, bool)"/>.</summary>
internal readonly record struct JsonCheck(JsonStatus Status, int End, string? Error, string? Closers, int HealEnd)
{
    public bool IsComplete => Status == JsonStatus.Complete;

    public bool IsCut => Status is JsonStatus.CutAtBoundary or JsonStatus.CutInsideValue;
}

/// <summary>
/// A strict, single-pass RFC 8259 reader over UTF-16 text that allocates nothing on the common path. It finds where a
/// value ends, rejects duplicate keys (a call object with <c>"name"</c> twice is ambiguous, so it is never taken),
/// enforces the depth cap, and, when the text stops early, says whether only structure was missing.
/// </summary>
internal static class JsonSyntax
{
    private enum Expect : byte
    {
        Value,
        KeyOrEnd,
        Key,
        ValueOrEnd,
        Colon,
        CommaOrEnd,
    }

    /// <summary>Reads one JSON value starting at the first non-whitespace character of <paramref name="text"/>.</summary>
    /// <param name="text">The text; anything after the value is not looked at.</param>
    /// <param name="maxDepth">The deepest nesting allowed (objects and arrays each count one level).</param>
    /// <param name="final">Whether the text is known to be whole, so a number that runs to its end is complete.</param>
    public static JsonCheck Check(ReadOnlySpan<char> text, int maxDepth, bool final = false) => Check(text, maxDepth, final, [], out _);

    /// <summary>
    /// Reads one JSON value like <see cref="Check(ReadOnlySpan{char}, int, bool)"/> and, when it is an object, notes where
    /// its members lie in <paramref name="members"/> as it goes.
    /// </summary>
    /// <param name="text">The text; anything after the value is not looked at.</param>
    /// <param name="maxDepth">The deepest nesting allowed.</param>
    /// <param name="final">Whether the text is known to be whole.</param>
    /// <param name="members">Where the top-level object's members are noted.</param>
    /// <param name="memberCount">How many members were noted; -1 when they did not all fit, or the value is no complete object.</param>
    public static JsonCheck Check(ReadOnlySpan<char> text, int maxDepth, bool final, Span<JsonMember> members, out int memberCount)
    {
        // One bit per open container (1 = object); depth beyond the cap is reported before it is stored.
        var cap = Math.Max(1, maxDepth);
        ulong[]? rented = null;
        Span<ulong> stack = cap <= 1024 ? stackalloc ulong[16] : (rented = ArrayPool<ulong>.Shared.Rent((cap + 64) / 64));
        var keys = new KeyLog();
        var log = new MemberLog(members);
        try
        {
            var check = Run(text, cap, final, stack, ref keys, ref log);
            memberCount = check.IsComplete && !log.Overflow && log.Count >= 0 ? log.Count : -1;
            return check;
        }
        finally
        {
            keys.Dispose();
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    private static JsonCheck Run(ReadOnlySpan<char> s, int maxDepth, bool final, scoped Span<ulong> stack, ref KeyLog keys, ref MemberLog log)
    {
        var depth = 0;
        var expect = Expect.Value;
        var i = 0;
        var afterComma = false;
        while (true)
        {
            while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r')
            {
                i++;
            }

            if (i >= s.Length)
            {
                return Cut(s, depth, stack, expect, afterComma);
            }

            var c = s[i];
            switch (expect)
            {
                case Expect.KeyOrEnd or Expect.Key:
                    if (c == '}' && expect == Expect.KeyOrEnd)
                    {
                        keys.Pop(depth);
                        depth--;
                        i++;
                        expect = Expect.CommaOrEnd;
                        afterComma = false;
                        log.ValueEnded(depth, i);
                        break;
                    }

                    if (c != '"')
                    {
                        return Invalid(i, "a key must be a string");
                    }

                    var keyStart = i;
                    var key = ReadString(s, ref i);
                    if (key == StringEnd.Cut)
                    {
                        return new JsonCheck(JsonStatus.CutInsideValue, s.Length, null, null, 0);
                    }

                    if (key == StringEnd.Invalid)
                    {
                        return Invalid(i, "invalid string");
                    }

                    if (!keys.Add(s[(keyStart + 1)..(i - 1)], depth))
                    {
                        return new JsonCheck(JsonStatus.DuplicateKey, i, $"the key {s[keyStart..i].ToString()} appears twice", null, 0);
                    }

                    log.Key(depth, keyStart, i);
                    expect = Expect.Colon;
                    break;

                case Expect.Colon:
                    if (c != ':')
                    {
                        return Invalid(i, "':' expected after a key");
                    }

                    i++;
                    expect = Expect.Value;
                    afterComma = false;
                    break;

                case Expect.ValueOrEnd when c == ']':
                    depth--;
                    i++;
                    expect = Expect.CommaOrEnd;
                    afterComma = false;
                    log.ValueEnded(depth, i);
                    break;

                case Expect.Value or Expect.ValueOrEnd:
                    log.ValueStarts(depth, i);
                    switch (c)
                    {
                        case '{' or '[':
                            if (depth >= maxDepth)
                            {
                                return new JsonCheck(JsonStatus.TooDeep, i, $"nested deeper than {maxDepth} levels", null, 0);
                            }

                            SetBit(stack, depth, c == '{');
                            if (depth == 0 && c != '{')
                            {
                                log.NotAnObject();
                            }

                            depth++;
                            i++;
                            if (c == '{')
                            {
                                keys.Push(depth);
                                expect = Expect.KeyOrEnd;
                            }
                            else
                            {
                                expect = Expect.ValueOrEnd;
                            }

                            afterComma = false;
                            continue;
                        case '"':
                            var str = ReadString(s, ref i);
                            if (str == StringEnd.Cut)
                            {
                                return new JsonCheck(JsonStatus.CutInsideValue, s.Length, null, null, 0);
                            }

                            if (str == StringEnd.Invalid)
                            {
                                return Invalid(i, "invalid string");
                            }

                            break;
                        case '-' or (>= '0' and <= '9'):
                            var number = ReadNumber(s, ref i, final);
                            if (number == StringEnd.Cut)
                            {
                                // A number at the end may still grow: it is not known to be complete.
                                return new JsonCheck(JsonStatus.CutInsideValue, s.Length, null, null, 0);
                            }

                            if (number == StringEnd.Invalid)
                            {
                                return Invalid(i, "invalid number");
                            }

                            break;
                        case 't' or 'f' or 'n':
                            var word = c == 't' ? "true" : c == 'f' ? "false" : "null";
                            var rest = s.Length - i;
                            if (rest < word.Length)
                            {
                                return s[i..].SequenceEqual(word.AsSpan(0, rest))
                                    ? new JsonCheck(JsonStatus.CutInsideValue, s.Length, null, null, 0)
                                    : Invalid(i, "invalid literal");
                            }

                            if (!s.Slice(i, word.Length).SequenceEqual(word))
                            {
                                return Invalid(i, "invalid literal");
                            }

                            i += word.Length;

                            // "true" must not run on into a word ("truest"): the next character decides.
                            if (i < s.Length && char.IsAsciiLetterOrDigit(s[i]))
                            {
                                return Invalid(i, "invalid literal");
                            }

                            break;
                        default:
                            return Invalid(i, c == ',' || c == '}' || c == ']' ? "a value is missing" : $"unexpected character '{c}'");
                    }

                    expect = Expect.CommaOrEnd;
                    afterComma = false;
                    log.ValueEnded(depth, i);
                    break;

                case Expect.CommaOrEnd:
                    if (depth == 0)
                    {
                        return new JsonCheck(JsonStatus.Complete, i, null, null, 0);
                    }

                    var inObject = GetBit(stack, depth - 1);
                    if (c == ',')
                    {
                        i++;
                        expect = inObject ? Expect.Key : Expect.Value;
                        afterComma = true;
                        break;
                    }

                    if (c == (inObject ? '}' : ']'))
                    {
                        if (inObject)
                        {
                            keys.Pop(depth);
                        }

                        depth--;
                        i++;
                        afterComma = false;
                        log.ValueEnded(depth, i);
                        break;
                    }

                    return Invalid(i, inObject ? "',' or '}' expected" : "',' or ']' expected");
            }

            if (expect == Expect.CommaOrEnd && depth == 0)
            {
                return new JsonCheck(JsonStatus.Complete, i, null, null, 0);
            }
        }
    }

    private static JsonCheck Invalid(int at, string why) => new(JsonStatus.Invalid, at, why + " at offset " + at.ToString(System.Globalization.CultureInfo.InvariantCulture), null, 0);

    /// <summary>The text ended: healable when only closers are missing (after a value, an opener, or a comma).</summary>
    private static JsonCheck Cut(ReadOnlySpan<char> s, int depth, Span<ulong> stack, Expect expect, bool afterComma)
    {
        var boundary = depth > 0 && expect switch
        {
            Expect.CommaOrEnd or Expect.KeyOrEnd or Expect.ValueOrEnd => true,
            Expect.Key or Expect.Value => afterComma,
            _ => false,
        };
        if (!boundary)
        {
            return new JsonCheck(depth == 0 && expect == Expect.Value ? JsonStatus.Invalid : JsonStatus.CutInsideValue, s.Length, depth == 0 ? "no JSON value" : null, null, 0);
        }

        var end = s.TrimEnd(" \t\r\n").Length;
        if (afterComma)
        {
            end--;
        }

        var closers = string.Create(depth, stack.ToArray(), static (dest, bits) =>
        {
            for (var k = 0; k < dest.Length; k++)
            {
                var level = dest.Length - 1 - k;
                dest[k] = (bits[level / 64] & (1UL << (level % 64))) != 0 ? '}' : ']';
            }
        });
        return new JsonCheck(JsonStatus.CutAtBoundary, s.Length, null, closers, end);
    }

    private static void SetBit(Span<ulong> stack, int level, bool isObject)
    {
        ref var word = ref stack[level / 64];
        var bit = 1UL << (level % 64);
        word = isObject ? word | bit : word & ~bit;
    }

    private static bool GetBit(Span<ulong> stack, int level) => (stack[level / 64] & (1UL << (level % 64))) != 0;

    private enum StringEnd
    {
        Done,
        Cut,
        Invalid,
    }

    /// <summary>Reads a string starting at its opening quote; <paramref name="i"/> ends just past the closing quote.</summary>
    private static StringEnd ReadString(ReadOnlySpan<char> s, ref int i)
    {
        i++;
        while (true)
        {
            var rel = IndexOfStringSpecial(s[i..]);
            if (rel < 0)
            {
                i = s.Length;
                return StringEnd.Cut;
            }

            i += rel;
            var c = s[i];
            if (c == '"')
            {
                i++;
                return StringEnd.Done;
            }

            if (c != '\\')
            {
                // A raw control character: JSON requires it escaped.
                return StringEnd.Invalid;
            }

            if (i + 1 >= s.Length)
            {
                i = s.Length;
                return StringEnd.Cut;
            }

            switch (s[i + 1])
            {
                case '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't':
                    i += 2;
                    break;
                case 'u':
                    for (var k = 0; k < 4; k++)
                    {
                        if (i + 2 + k >= s.Length)
                        {
                            i = s.Length;
                            return StringEnd.Cut;
                        }

                        if (!char.IsAsciiHexDigit(s[i + 2 + k]))
                        {
                            return StringEnd.Invalid;
                        }
                    }

                    i += 6;
                    break;
                default:
                    return StringEnd.Invalid;
            }
        }
    }

    /// <summary>
    /// The index of the first character that ends a run of plain string text (<c>"</c>, <c>\</c>, a control character), or -1.
    /// </summary>
    /// <remarks>
    /// Code and documents in arguments hold an escape every few characters, where a vectorised search costs more to start
    /// than it saves; so the first characters are looked at one by one and the vectorised search takes over for a long run.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int IndexOfStringSpecial(ReadOnlySpan<char> s)
    {
        var n = Math.Min(s.Length, 16);
        for (var k = 0; k < n; k++)
        {
            var c = s[k];
            if (c is '"' or '\\' or < ' ')
            {
                return k;
            }
        }

        if (n == s.Length)
        {
            return -1;
        }

        // Two searches with few values each are much faster here than one over the whole set.
        var rest = s[n..];
        var quoteOrBackslash = rest.IndexOfAny('"', '\\');
        var control = (quoteOrBackslash < 0 ? rest : rest[..quoteOrBackslash]).IndexOfAnyInRange('\0', '\u001F');
        var rel = control >= 0 ? control : quoteOrBackslash;
        return rel < 0 ? -1 : n + rel;
    }

    /// <summary>Reads a number; Cut when the text ends while it could still continue.</summary>
    private static StringEnd ReadNumber(ReadOnlySpan<char> s, ref int i, bool final)
    {
        if (s[i] == '-')
        {
            i++;
        }

        if (i >= s.Length)
        {
            return StringEnd.Cut;
        }

        if (s[i] == '0')
        {
            i++;
        }
        else if (s[i] is >= '1' and <= '9')
        {
            i = Digits(s, i);
        }
        else
        {
            return StringEnd.Invalid;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length)
            {
                return StringEnd.Cut;
            }

            if (!char.IsAsciiDigit(s[i]))
            {
                return StringEnd.Invalid;
            }

            i = Digits(s, i);
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            if (i >= s.Length)
            {
                return StringEnd.Cut;
            }

            if (!char.IsAsciiDigit(s[i]))
            {
                return StringEnd.Invalid;
            }

            i = Digits(s, i);
        }

        if (i >= s.Length)
        {
            return final ? StringEnd.Done : StringEnd.Cut;
        }

        return char.IsAsciiLetterOrDigit(s[i]) || s[i] is '.' or '+' or '-' ? StringEnd.Invalid : StringEnd.Done;
    }

    private static int Digits(ReadOnlySpan<char> s, int i)
    {
        var rel = s[i..].IndexOfAnyExceptInRange('0', '9');
        return rel < 0 ? s.Length : i + rel;
    }

    /// <summary>Decodes the content of a valid JSON string token (quotes excluded), lone surrogates replaced.</summary>
    public static string Unescape(ReadOnlySpan<char> content)
    {
        if (content.IndexOf('\\') < 0)
        {
            return Utf16Text.ToValidString(content);
        }

        var sb = new System.Text.StringBuilder(content.Length);
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (c != '\\' || i + 1 >= content.Length)
            {
                sb.Append(c);
                continue;
            }

            var e = content[++i];
            switch (e)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u' when i + 4 < content.Length && ushort.TryParse(content.Slice(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var v):
                    sb.Append((char)v);
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        return Utf16Text.ToValidString(sb.ToString());
    }

    /// <summary>Moves <paramref name="i"/> past the value that starts there in text already known to be valid JSON.</summary>
    public static void SkipValue(ReadOnlySpan<char> s, ref int i)
    {
        i = SkipWhitespace(s, i);
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    ReadString(s, ref i);
                    break;
                case '{' or '[':
                    depth++;
                    i++;
                    break;
                case '}' or ']':
                    depth--;
                    i++;
                    break;
                default:
                    if (depth == 0)
                    {
                        // A scalar: runs to the next delimiter.
                        while (i < s.Length && s[i] is not (',' or '}' or ']' or ' ' or '\t' or '\n' or '\r'))
                        {
                            i++;
                        }

                        return;
                    }

                    i++;
                    break;
            }

            if (depth == 0)
            {
                return;
            }
        }
    }

    public static int SkipWhitespace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r')
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// Notes where the members of the top-level object lie (depth 1 is that object's level) while the text is read, so
    /// that a caller reading the members does not scan the values again. A value at depth 1 starts after a key's colon
    /// and ends when the reader is back at depth 1 expecting a comma or the end.
    /// </summary>
    private ref struct MemberLog(Span<JsonMember> members)
    {
        private readonly Span<JsonMember> _members = members;
        private int _keyStart;
        private int _keyEnd;
        private int _valueStart;

        public int Count { get; private set; }

        public bool Overflow { get; private set; }

        public void NotAnObject() => Count = -1;

        public void Key(int depth, int start, int end)
        {
            if (depth == 1)
            {
                _keyStart = start;
                _keyEnd = end;
            }
        }

        public void ValueStarts(int depth, int at)
        {
            if (depth == 1)
            {
                _valueStart = at;
            }
        }

        public void ValueEnded(int depth, int at)
        {
            if (depth != 1 || Count < 0)
            {
                return;
            }

            if (Count >= _members.Length)
            {
                Overflow = true;
                return;
            }

            _members[Count++] = new JsonMember(_keyStart, _keyEnd, _valueStart, at);
        }
    }

    /// <summary>
    /// The keys seen in each open object, for the duplicate check: key texts are kept in one pooled buffer and
    /// compared after unescaping, so <c>"n\u0061me"</c> is the same key as <c>"name"</c>. Small objects are probed
    /// linearly; an object that grows past <see cref="LinearLimit"/> keys gets a hash set, so the check stays linear.
    /// </summary>
    private struct KeyLog : IDisposable
    {
        private const int LinearLimit = 16;
        private char[]? _chars;
        private int _charCount;
        private (int Start, int Length)[]? _keys;
        private int _keyCount;
        private int[]? _firstKeyOfLevel;
        private Dictionary<int, HashSet<string>>? _large;

        public void Push(int level)
        {
            Grow(ref _firstKeyOfLevel, level + 1);
            _firstKeyOfLevel![level] = _keyCount;
        }

        /// <summary>Forgets the keys of the object at <paramref name="level"/> (its nested objects were popped before).</summary>
        public void Pop(int level)
        {
            var first = _firstKeyOfLevel![level];
            if (first < _keyCount)
            {
                _charCount = _keys![first].Start;
            }

            _keyCount = first;
            _large?.Remove(level);
        }

        /// <summary>Adds a key (raw content, escapes included) of the object at <paramref name="level"/>; false when it was already there.</summary>
        public bool Add(ReadOnlySpan<char> raw, int level)
        {
            var first = _firstKeyOfLevel![level];
            var start = _charCount;
            AppendDecoded(raw);
            var key = _chars.AsSpan(start, _charCount - start);
            var count = _keyCount - first;
            if (_large is not null && _large.TryGetValue(level, out var set))
            {
                if (!set.Add(key.ToString()))
                {
                    return false;
                }
            }
            else
            {
                for (var k = first; k < _keyCount; k++)
                {
                    if (_chars.AsSpan(_keys![k].Start, _keys[k].Length).SequenceEqual(key))
                    {
                        return false;
                    }
                }

                if (count + 1 > LinearLimit)
                {
                    set = new HashSet<string>(StringComparer.Ordinal) { key.ToString() };
                    for (var k = first; k < _keyCount; k++)
                    {
                        set.Add(_chars.AsSpan(_keys![k].Start, _keys[k].Length).ToString());
                    }

                    (_large ??= [])[level] = set;
                }
            }

            Grow(ref _keys, _keyCount + 1);
            _keys![_keyCount++] = (start, key.Length);
            return true;
        }

        private void AppendDecoded(ReadOnlySpan<char> raw)
        {
            if (raw.IndexOf('\\') < 0)
            {
                Grow(ref _chars, _charCount + raw.Length);
                raw.CopyTo(_chars.AsSpan(_charCount));
                _charCount += raw.Length;
                return;
            }

            var decoded = Unescape(raw);
            Grow(ref _chars, _charCount + decoded.Length);
            decoded.CopyTo(_chars.AsSpan(_charCount));
            _charCount += decoded.Length;
        }

        private static void Grow<T>(ref T[]? array, int needed)
        {
            if (array is not null && array.Length >= needed)
            {
                return;
            }

            var bigger = ArrayPool<T>.Shared.Rent(Math.Max(needed, array is null ? 16 : array.Length * 2));
            if (array is not null)
            {
                array.AsSpan().CopyTo(bigger);
                ArrayPool<T>.Shared.Return(array);
            }

            array = bigger;
        }

        public readonly void Dispose()
        {
            if (_chars is not null)
            {
                ArrayPool<char>.Shared.Return(_chars);
            }

            if (_keys is not null)
            {
                ArrayPool<(int, int)>.Shared.Return(_keys);
            }

            if (_firstKeyOfLevel is not null)
            {
                ArrayPool<int>.Shared.Return(_firstKeyOfLevel);
            }
        }
    }
}
