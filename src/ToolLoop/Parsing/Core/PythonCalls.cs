using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// Reads Python-style calls, <c>[get_weather(city="Paris", days=3), ping()]</c> (LFM2, formats.md 9.11), into tool calls.
/// Keyword arguments only; values are Python or JSON literals: strings in either quote style with backslash escapes,
/// numbers, <c>True</c>/<c>False</c>/<c>None</c> (and <c>true</c>/<c>false</c>/<c>null</c>), lists, tuples and dicts with
/// string keys, nested. Output cut by the end of the stream yields a healed call only when it stopped after complete
/// values; a cut string, number, name or key is a truncated call.
/// </summary>
internal static class PythonCalls
{
    /// <summary>What became of one call of the list.</summary>
    public enum Outcome
    {
        /// <summary>Read whole.</summary>
        Ok,

        /// <summary>Cut by the end of the output after complete values: completed by closing it.</summary>
        Healed,

        /// <summary>Cut inside a name, key, string or number: not runnable.</summary>
        Cut,

        /// <summary>Not a keyword-argument call.</summary>
        Malformed,

        /// <summary>Nested deeper than the cap.</summary>
        TooDeep,
    }

    /// <summary>One call: its outcome, name (when read), arguments (for Ok/Healed) and its span in the text.</summary>
    public readonly record struct Call(Outcome Outcome, string? Name, string ArgumentsJson, int Start, int End, string? Error);

    /// <summary>Reads the calls of <paramref name="text"/>: a <c>[…]</c> list of calls, or calls separated by commas.</summary>
    /// <param name="text">The text, starting at the list (or first call).</param>
    /// <param name="truncated">Whether the output ended inside the text.</param>
    /// <param name="maxDepth">The nesting cap.</param>
    /// <returns>The calls in order; junk between calls is a <see cref="Outcome.Malformed"/> entry.</returns>
    public static List<Call> Read(ReadOnlySpan<char> text, bool truncated, int maxDepth)
    {
        var calls = new List<Call>();
        var p = Spans.SkipWhitespace(text, 0);
        var bracketed = p < text.Length && text[p] == '[';
        if (bracketed)
        {
            p++;
        }

        while (true)
        {
            p = Spans.SkipWhitespace(text, p);
            if (p >= text.Length)
            {
                return calls;
            }

            if (bracketed && text[p] == ']')
            {
                p = Spans.SkipWhitespace(text, p + 1);
                if (p < text.Length)
                {
                    calls.Add(new Call(Outcome.Malformed, null, "{}", p, text.Length, "text after the list of calls"));
                }

                return calls;
            }

            var parser = new Parser(text, p, truncated, maxDepth);
            var call = parser.ReadCall();
            calls.Add(call);
            if (call.Outcome is Outcome.Malformed or Outcome.TooDeep)
            {
                // Skip to the next call: past the end of this one's parentheses, then a comma.
                p = SkipPast(text, call.Start);
                calls[^1] = call with { End = p };
            }
            else
            {
                p = call.End;
            }

            p = Spans.SkipWhitespace(text, p);
            if (p < text.Length && text[p] == ',')
            {
                p++;
            }
            else if (p < text.Length && !(bracketed && text[p] == ']'))
            {
                calls.Add(new Call(Outcome.Malformed, null, "{}", p, text.Length, "text between calls"));
                return calls;
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="text"/> as one Python (or JSON) literal — <c>{'theme': 'dark', 'size': 2}</c>, <c>True</c>,
    /// <c>[1, None]</c> — into JSON. Seed-OSS's template renders non-string values with Python's <c>str()</c>.
    /// </summary>
    public static bool TryLiteral(ReadOnlySpan<char> text, int maxDepth, out string json)
    {
        json = string.Empty;
        var start = Spans.SkipWhitespace(text, 0);
        if (start >= text.Length)
        {
            return false;
        }

        var parser = new Parser(text, start, truncated: false, maxDepth);
        return parser.ReadWhole(out json);
    }

    /// <summary>The end of the balanced text from <paramref name="start"/> through the first parenthesis group (strings respected).</summary>
    private static int SkipPast(ReadOnlySpan<char> text, int start)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (depth == 0)
                    {
                        return i;
                    }

                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
                case ',' when depth == 0:
                    return i;
            }
        }

        return text.Length;
    }

    private enum Status
    {
        Ok,

        /// <summary>The text ended at a point where closing the open containers completes the value.</summary>
        Healed,
        Cut,
        Error,
        TooDeep,
    }

    private ref struct Parser
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly bool _truncated;
        private readonly int _maxDepth;
        private int _p;
        private string? _error;

        public Parser(ReadOnlySpan<char> text, int p, bool truncated, int maxDepth)
        {
            _text = text;
            _p = p;
            _truncated = truncated;
            _maxDepth = maxDepth;
        }

        public bool ReadWhole(out string json)
        {
            json = string.Empty;
            using var buffer = new PooledBufferWriter(_text.Length - _p + 16);
            Status status;
            using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
            {
                status = ReadValue(w, depth: 1);
            }

            SkipWs();
            if (status != Status.Ok || _p < _text.Length)
            {
                return false;
            }

            json = buffer.ToUtf8String();
            return true;
        }

        public Call ReadCall()
        {
            var start = _p;
            var nameStart = _p;
            while (_p < _text.Length && (Spans.IsNameChar(_text[_p]) || _text[_p] == ':'))
            {
                _p++;
            }

            var name = _text[nameStart.._p].ToString();
            SkipWs();
            if (_p >= _text.Length)
            {
                return new Call(_truncated ? Outcome.Cut : Outcome.Malformed, null, "{}", start, _p, "the call has no argument list");
            }

            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || _text[_p] != '(')
            {
                return new Call(Outcome.Malformed, name.Length > 0 ? name : null, "{}", start, _p, "not a call");
            }

            _p++;

            // The arguments are at most the rest of the text, a little longer once escaped; the pooled buffer grows if needed.
            using var buffer = new PooledBufferWriter(_text.Length - _p + ((_text.Length - _p) / 8) + 16);
            Status status;
            using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
            {
                w.WriteStartObject();
                status = ReadArguments(w);
                if (status is Status.Ok or Status.Healed)
                {
                    CloseAll(w);
                }
            }

            var outcome = status switch
            {
                Status.Ok => Outcome.Ok,
                Status.Healed => Outcome.Healed,
                Status.Cut => Outcome.Cut,
                Status.TooDeep => Outcome.TooDeep,
                _ => Outcome.Malformed,
            };
            var json = outcome is Outcome.Ok or Outcome.Healed ? buffer.ToUtf8String() : "{}";
            return new Call(outcome, name, json, start, _p, _error);
        }

        private static void CloseAll(Utf8JsonWriter w)
        {
            while (w.CurrentDepth > 0)
            {
                // The writer knows what is open but not its kind; the parser closes every container it opened, so only the
                // arguments object can be left here.
                w.WriteEndObject();
            }
        }

        private Status ReadArguments(Utf8JsonWriter w)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                SkipWs();
                if (_p >= _text.Length)
                {
                    return End();
                }

                if (_text[_p] == ')')
                {
                    _p++;
                    return Status.Ok;
                }

                var keyStart = _p;
                while (_p < _text.Length && (char.IsLetterOrDigit(_text[_p]) || _text[_p] == '_'))
                {
                    _p++;
                }

                var key = _text[keyStart.._p].ToString();
                SkipWs();
                if (_p >= _text.Length)
                {
                    return Cut();
                }

                if (key.Length == 0 || char.IsDigit(key[0]) || _text[_p] != '=')
                {
                    return Fail("only keyword arguments (name=value) are accepted");
                }

                if (!keys.Add(key))
                {
                    return Fail($"the argument '{key}' is given twice");
                }

                _p++;
                SkipWs();
                if (_p >= _text.Length)
                {
                    return Cut();
                }

                w.WritePropertyName(key);
                var status = ReadValue(w, depth: 1);
                if (status != Status.Ok)
                {
                    return status;
                }

                SkipWs();
                if (_p >= _text.Length)
                {
                    return End();
                }

                if (_text[_p] == ',')
                {
                    _p++;
                }
                else if (_text[_p] != ')')
                {
                    return Fail("arguments must be separated by commas");
                }
            }
        }

        private Status ReadValue(Utf8JsonWriter w, int depth)
        {
            if (depth > _maxDepth)
            {
                return Status.TooDeep;
            }

            var c = _text[_p];
            switch (c)
            {
                case '"' or '\'':
                    return ReadString(w);
                case '[' or '(':
                    return ReadSequence(w, c == '[' ? ']' : ')', depth);
                case '{':
                    return ReadDict(w, depth);
            }

            var start = _p;
            while (_p < _text.Length && (char.IsLetterOrDigit(_text[_p]) || _text[_p] is '_' or '.' or '+' or '-'))
            {
                _p++;
            }

            var token = _text[start.._p];
            if (token.IsEmpty)
            {
                return Fail($"unexpected '{c}'");
            }

            if (token.SequenceEqual("True") || token.SequenceEqual("true"))
            {
                w.WriteBooleanValue(true);
                return Status.Ok;
            }

            if (token.SequenceEqual("False") || token.SequenceEqual("false"))
            {
                w.WriteBooleanValue(false);
                return Status.Ok;
            }

            if (token.SequenceEqual("None") || token.SequenceEqual("null"))
            {
                w.WriteNullValue();
                return Status.Ok;
            }

            if (_p >= _text.Length && _truncated)
            {
                // A number or literal that the end of the output may have cut ("12" of "123", "Tr" of "True").
                return Cut();
            }

            return WriteNumber(w, token) ? Status.Ok : Fail($"'{token}' is not a value");
        }

        private static bool WriteNumber(Utf8JsonWriter w, ReadOnlySpan<char> token)
        {
            var t = token.ToString().Replace("_", "", StringComparison.Ordinal);
            if (t.StartsWith('+'))
            {
                t = t[1..];
            }

            if (t.Length == 0 || !(char.IsAsciiDigit(t[0]) || t[0] is '-' or '.'))
            {
                return false;
            }

            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                w.WriteNumberValue(l);
                return true;
            }

            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                if (IsJsonNumber(t))
                {
                    // Keep the model's spelling (2.5e3 stays 2.5e3).
                    w.WriteRawValue(t, skipInputValidation: true);
                }
                else
                {
                    w.WriteNumberValue(d);
                }

                return true;
            }

            return false;
        }

        private static bool IsJsonNumber(string t)
        {
            var i = 0;
            if (i < t.Length && t[i] == '-')
            {
                i++;
            }

            var digits = i;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
            }

            if (i == digits || (t[digits] == '0' && i - digits > 1))
            {
                return false;
            }

            if (i < t.Length && t[i] == '.')
            {
                var f = ++i;
                while (i < t.Length && char.IsAsciiDigit(t[i]))
                {
                    i++;
                }

                if (i == f)
                {
                    return false;
                }
            }

            if (i < t.Length && t[i] is 'e' or 'E')
            {
                i++;
                if (i < t.Length && t[i] is '+' or '-')
                {
                    i++;
                }

                var e = i;
                while (i < t.Length && char.IsAsciiDigit(t[i]))
                {
                    i++;
                }

                if (i == e)
                {
                    return false;
                }
            }

            return i == t.Length;
        }

        private Status ReadString(Utf8JsonWriter w)
        {
            var buffer = ArrayPool<char>.Shared.Rent(64);
            try
            {
                var status = Decode(ref buffer, out var length);
                if (status == Status.Ok)
                {
                    w.WriteStringValue(buffer.AsSpan(0, length));
                }

                return status;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        private Status ReadString(out string value)
        {
            var buffer = ArrayPool<char>.Shared.Rent(64);
            try
            {
                var status = Decode(ref buffer, out var length);
                value = status == Status.Ok ? new string(buffer.AsSpan(0, length)) : string.Empty;
                return status;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        /// <summary>Decodes the string literal at the position into <paramref name="buffer"/> (pooled; grown in the pool), so a long string is copied once, by the JSON writer.</summary>
        private Status Decode(ref char[] buffer, out int length)
        {
            length = 0;
            var quote = _text[_p++];
            while (_p < _text.Length)
            {
                // Plain text runs to the next quote or backslash: copied at once.
                var rel = _text[_p..].IndexOfAny(quote, '\\');
                var run = rel < 0 ? _text.Length - _p : rel;
                Append(ref buffer, ref length, _text.Slice(_p, run));
                _p += run;
                if (_p >= _text.Length)
                {
                    break;
                }

                if (_text[_p++] == quote)
                {
                    return Status.Ok;
                }

                if (_p >= _text.Length)
                {
                    break;
                }

                var e = _text[_p++];
                switch (e)
                {
                    case 'n': Append(ref buffer, ref length, '\n'); break;
                    case 't': Append(ref buffer, ref length, '\t'); break;
                    case 'r': Append(ref buffer, ref length, '\r'); break;
                    case 'b': Append(ref buffer, ref length, '\b'); break;
                    case 'f': Append(ref buffer, ref length, '\f'); break;
                    case '0': Append(ref buffer, ref length, '\0'); break;
                    case 'u' when _p + 4 <= _text.Length && int.TryParse(_text.Slice(_p, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var u):
                        Append(ref buffer, ref length, (char)u);
                        _p += 4;
                        break;
                    case 'x' when _p + 2 <= _text.Length && int.TryParse(_text.Slice(_p, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var x):
                        Append(ref buffer, ref length, (char)x);
                        _p += 2;
                        break;
                    case '\\' or '\'' or '"':
                        Append(ref buffer, ref length, e);
                        break;
                    default:
                        // Python keeps an unknown escape as written.
                        Append(ref buffer, ref length, '\\');
                        Append(ref buffer, ref length, e);
                        break;
                }
            }

            return _truncated ? Cut() : Fail("a string is not closed");
        }

        private static void Append(ref char[] buffer, ref int length, char c) => Append(ref buffer, ref length, new ReadOnlySpan<char>(in c));

        private static void Append(ref char[] buffer, ref int length, ReadOnlySpan<char> text)
        {
            if (length + text.Length > buffer.Length)
            {
                var bigger = ArrayPool<char>.Shared.Rent(Math.Max(length + text.Length, 2 * buffer.Length));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<char>.Shared.Return(buffer);
                buffer = bigger;
            }

            text.CopyTo(buffer.AsSpan(length));
            length += text.Length;
        }

        private Status ReadSequence(Utf8JsonWriter w, char close, int depth)
        {
            _p++;
            w.WriteStartArray();
            while (true)
            {
                SkipWs();
                if (_p >= _text.Length)
                {
                    return End(w, array: true);
                }

                if (_text[_p] == close)
                {
                    _p++;
                    w.WriteEndArray();
                    return Status.Ok;
                }

                var status = ReadValue(w, depth + 1);
                if (status != Status.Ok)
                {
                    return status == Status.Healed ? End(w, array: true) : status;
                }

                SkipWs();
                if (_p >= _text.Length)
                {
                    return End(w, array: true);
                }

                if (_text[_p] == ',')
                {
                    _p++;
                }
                else if (_text[_p] != close)
                {
                    return Fail("list items must be separated by commas");
                }
            }
        }

        private Status ReadDict(Utf8JsonWriter w, int depth)
        {
            _p++;
            w.WriteStartObject();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                SkipWs();
                if (_p >= _text.Length)
                {
                    return End(w, array: false);
                }

                if (_text[_p] == '}')
                {
                    _p++;
                    w.WriteEndObject();
                    return Status.Ok;
                }

                if (_text[_p] is not ('"' or '\''))
                {
                    return Fail("dictionary keys must be strings");
                }

                var keyStatus = ReadString(out var key);
                if (keyStatus != Status.Ok)
                {
                    return keyStatus;
                }

                if (!keys.Add(key))
                {
                    return Fail($"the key '{key}' is given twice");
                }

                SkipWs();
                if (_p >= _text.Length)
                {
                    return Cut();
                }

                if (_text[_p] != ':')
                {
                    return Fail("a dictionary key must be followed by ':'");
                }

                _p++;
                SkipWs();
                if (_p >= _text.Length)
                {
                    return Cut();
                }

                w.WritePropertyName(key);
                var status = ReadValue(w, depth + 1);
                if (status != Status.Ok)
                {
                    return status == Status.Healed ? End(w, array: false) : status;
                }

                SkipWs();
                if (_p >= _text.Length)
                {
                    return End(w, array: false);
                }

                if (_text[_p] == ',')
                {
                    _p++;
                }
                else if (_text[_p] != '}')
                {
                    return Fail("dictionary items must be separated by commas");
                }
            }
        }

        /// <summary>The text ended at a clean point inside an open container: close it (the caller closes the rest).</summary>
        private readonly Status End(Utf8JsonWriter w, bool array)
        {
            if (!_truncated)
            {
                return Status.Error;
            }

            if (array)
            {
                w.WriteEndArray();
            }
            else
            {
                w.WriteEndObject();
            }

            return Status.Healed;
        }

        /// <summary>The text ended at a clean point of the argument list.</summary>
        private readonly Status End() => _truncated ? Status.Healed : Status.Error;

        private readonly Status Cut() => _truncated ? Status.Cut : Status.Error;

        private Status Fail(string why)
        {
            _error ??= why;
            return Status.Error;
        }

        private void SkipWs() => _p = Spans.SkipWhitespace(_text, _p);
    }
}
