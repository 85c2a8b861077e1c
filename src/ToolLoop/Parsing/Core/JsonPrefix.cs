namespace ToolLoop.Parsing;

/// <summary>
/// A resumable, strict check that text is a prefix of one JSON value: it stops at the first character that no JSON
/// value could continue with. Speculative regions (bare JSON that may be prose) use it so that a guess costs only as
/// many characters as the text stays JSON; nesting is capped, so guesses that overlap are few and the scan stays linear.
/// </summary>
internal sealed class JsonPrefix(int maxDepth)
{
    private readonly ulong[] _objects = new ulong[(Math.Max(1, maxDepth) + 64) / 64];
    private Expect _expect;
    private Token _token;
    private int _tokenIndex;
    private string _word = string.Empty;
    private bool _afterComma;

    public enum Result
    {
        /// <summary>The text so far is a JSON prefix; more is needed.</summary>
        NeedMore,

        /// <summary>The value is complete; the position is just past it.</summary>
        Done,

        /// <summary>The text is not JSON (the position is at the offending character).</summary>
        Invalid,

        /// <summary>The value nests deeper than allowed.</summary>
        TooDeep,
    }

    private enum Expect : byte
    {
        Value,
        KeyOrEnd,
        Key,
        ValueOrEnd,
        Colon,
        CommaOrEnd,
    }

    private enum Token : byte
    {
        None,
        String,
        Escape,
        Unicode,
        Number,
        Literal,
    }

    private enum NumberPart : byte
    {
        Sign,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    }

    /// <summary>Gets the nesting depth at the current position.</summary>
    public int Depth { get; private set; }

    /// <summary>Gets a value indicating whether the text stopped inside a string, number or literal, or where a value was due.</summary>
    public bool InsideValue => _token != Token.None || _expect is Expect.Colon || (_expect is Expect.Value && !_afterComma && Depth > 0);

    /// <summary>Reads from <paramref name="pos"/>; the position is left where reading stopped.</summary>
    public Result Feed(ReadOnlySpan<char> s, ref int pos)
    {
        var i = pos;
        try
        {
            while (i < s.Length)
            {
                var c = s[i];
                switch (_token)
                {
                    case Token.String:
                        var rel = JsonSyntax.IndexOfStringSpecial(s[i..]);
                        if (rel < 0)
                        {
                            i = s.Length;
                            return Result.NeedMore;
                        }

                        i += rel;
                        c = s[i];
                        if (c == '"')
                        {
                            _token = Token.None;
                            i++;
                            AfterString();
                            continue;
                        }

                        if (c != '\\')
                        {
                            return Result.Invalid;
                        }

                        _token = Token.Escape;
                        i++;
                        continue;

                    case Token.Escape:
                        if (c == 'u')
                        {
                            _token = Token.Unicode;
                            _tokenIndex = 0;
                        }
                        else if (c is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't')
                        {
                            _token = Token.String;
                        }
                        else
                        {
                            return Result.Invalid;
                        }

                        i++;
                        continue;

                    case Token.Unicode:
                        if (!char.IsAsciiHexDigit(c))
                        {
                            return Result.Invalid;
                        }

                        if (++_tokenIndex == 4)
                        {
                            _token = Token.String;
                        }

                        i++;
                        continue;

                    case Token.Number:
                        if (!Number(c, ref i))
                        {
                            return Result.Invalid;
                        }

                        continue;

                    case Token.Literal:
                        if (_tokenIndex < _word.Length)
                        {
                            if (c != _word[_tokenIndex])
                            {
                                return Result.Invalid;
                            }

                            _tokenIndex++;
                            i++;
                            continue;
                        }

                        if (char.IsAsciiLetterOrDigit(c))
                        {
                            return Result.Invalid;
                        }

                        _token = Token.None;
                        _expect = Expect.CommaOrEnd;
                        continue;
                }

                if (c is ' ' or '\t' or '\n' or '\r')
                {
                    i++;
                    continue;
                }

                if (_expect == Expect.CommaOrEnd && Depth == 0)
                {
                    return Result.Done;
                }

                switch (_expect)
                {
                    case Expect.KeyOrEnd or Expect.Key:
                        if (c == '}' && _expect == Expect.KeyOrEnd)
                        {
                            Close(ref i);
                            break;
                        }

                        if (c != '"')
                        {
                            return Result.Invalid;
                        }

                        _token = Token.String;
                        i++;
                        break;

                    case Expect.Colon:
                        if (c != ':')
                        {
                            return Result.Invalid;
                        }

                        _expect = Expect.Value;
                        _afterComma = false;
                        i++;
                        break;

                    case Expect.ValueOrEnd when c == ']':
                        Close(ref i);
                        break;

                    case Expect.Value or Expect.ValueOrEnd:
                        switch (c)
                        {
                            case '{' or '[':
                                if (Depth >= maxDepth)
                                {
                                    return Result.TooDeep;
                                }

                                ref var word = ref _objects[Depth / 64];
                                var bit = 1UL << (Depth % 64);
                                word = c == '{' ? word | bit : word & ~bit;
                                Depth++;
                                _expect = c == '{' ? Expect.KeyOrEnd : Expect.ValueOrEnd;
                                _afterComma = false;
                                i++;
                                break;
                            case '"':
                                _token = Token.String;
                                i++;
                                break;
                            case '-' or (>= '0' and <= '9'):
                                _token = Token.Number;
                                _tokenIndex = c == '-' ? (int)NumberPart.Sign : c == '0' ? (int)NumberPart.Zero : (int)NumberPart.Integer;
                                i++;
                                break;
                            case 't' or 'f' or 'n':
                                _token = Token.Literal;
                                _word = c == 't' ? "true" : c == 'f' ? "false" : "null";
                                _tokenIndex = 1;
                                i++;
                                break;
                            default:
                                return Result.Invalid;
                        }

                        break;

                    case Expect.CommaOrEnd:
                        var inObject = (_objects[(Depth - 1) / 64] & (1UL << ((Depth - 1) % 64))) != 0;
                        if (c == ',')
                        {
                            _expect = inObject ? Expect.Key : Expect.Value;
                            _afterComma = true;
                            i++;
                        }
                        else if (c == (inObject ? '}' : ']'))
                        {
                            Close(ref i);
                        }
                        else
                        {
                            return Result.Invalid;
                        }

                        break;
                }

                if (_expect == Expect.CommaOrEnd && Depth == 0 && _token == Token.None)
                {
                    return Result.Done;
                }
            }

            return Result.NeedMore;
        }
        finally
        {
            pos = i;
        }
    }

    private void AfterString()
    {
        // A string was a key when a key was expected, otherwise a value.
        _expect = _expect is Expect.KeyOrEnd or Expect.Key ? Expect.Colon : Expect.CommaOrEnd;
        _afterComma = false;
    }

    private void Close(ref int i)
    {
        Depth--;
        _expect = Expect.CommaOrEnd;
        _afterComma = false;
        i++;
    }

    /// <summary>Advances through a number; false when the character cannot follow what was read.</summary>
    private bool Number(char c, ref int i)
    {
        var part = (NumberPart)_tokenIndex;
        var digit = char.IsAsciiDigit(c);
        NumberPart? next = part switch
        {
            NumberPart.Sign => digit ? (c == '0' ? NumberPart.Zero : NumberPart.Integer) : null,
            NumberPart.Zero => c == '.' ? NumberPart.Dot : c is 'e' or 'E' ? NumberPart.Exponent : null,
            NumberPart.Integer => digit ? NumberPart.Integer : c == '.' ? NumberPart.Dot : c is 'e' or 'E' ? NumberPart.Exponent : null,
            NumberPart.Dot => digit ? NumberPart.Fraction : null,
            NumberPart.Fraction => digit ? NumberPart.Fraction : c is 'e' or 'E' ? NumberPart.Exponent : null,
            NumberPart.Exponent => digit ? NumberPart.ExponentDigits : c is '+' or '-' ? NumberPart.ExponentSign : null,
            NumberPart.ExponentSign => digit ? NumberPart.ExponentDigits : null,
            _ => digit ? NumberPart.ExponentDigits : null,
        };
        if (next is { } n)
        {
            _tokenIndex = (int)n;
            i++;
            return true;
        }

        // The number ends here if it may: what follows is read as the next token.
        if (part is NumberPart.Sign or NumberPart.Dot or NumberPart.Exponent or NumberPart.ExponentSign || char.IsAsciiLetter(c) || c == '.')
        {
            return false;
        }

        _token = Token.None;
        _expect = Expect.CommaOrEnd;
        return true;
    }
}
