using System.Globalization;
using System.Numerics;
using System.Text;

namespace ToolLoop;

/// <summary>
/// Python's numbers: ints of any size (a <see cref="long"/> when the value fits, a <see cref="BigInteger"/>
/// otherwise, never a float), floats (<see cref="double"/>) and bools acting as 0 and 1; arithmetic,
/// exact int/float comparison, correctly rounded conversions, <c>round()</c>, and the exact decimal
/// digits behind <c>'%.2f'</c>, <c>'%e'</c> and <c>'%g'</c> (ties to even on the binary value, as
/// CPython's dtoa does: <c>round(2.675, 2)</c> is 2.67).
/// </summary>
internal static class PyNumber
{
    /// <summary>ToolLoop's cap on the size of an int (Python has none): one million bits, about 315,000 digits.
    /// Only <c>**</c>, <c>*</c> and <c>&lt;&lt;</c>-like growth can reach it; past it the template raises.</summary>
    public const int MaxIntBits = 1 << 20;

    /// <summary>Python's default limit on int ↔ decimal string conversion (<c>sys.get_int_max_str_digits()</c>).</summary>
    public const int MaxStrDigits = 4300;

    /// <summary>ToolLoop's cap on the precision of a float format (Python has none).</summary>
    private const int MaxPrecision = 10_000;

    private static readonly BigInteger s_longMin = long.MinValue;
    private static readonly BigInteger s_longMax = long.MaxValue;

    public static bool IsInt(object? v) => v is long or BigInteger;

    public static bool IsNumber(object? v) => v is long or double or bool or BigInteger;

    public static object Normalize(BigInteger b) => b >= s_longMin && b <= s_longMax ? (long)b : b;

    public static BigInteger ToBig(object? v) => v switch
    {
        bool b => b ? BigInteger.One : BigInteger.Zero,
        long l => l,
        BigInteger big => big,
        _ => throw Py.TypeError($"an integer is required, not '{Py.TypeName(v)}'"),
    };

    /// <summary>Python's <c>float(x)</c> of a number: correctly rounded; an int too large raises OverflowError.</summary>
    public static double ToDouble(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        BigInteger big => BigToDouble(big),
        _ => throw Py.TypeError($"must be real number, not {Py.TypeName(v)}"),
    };

    public static double BigToDouble(BigInteger value)
    {
        if (value.IsZero)
        {
            return 0;
        }

        double d = RoundToDouble(BigInteger.Abs(value), 0, sticky: false);
        if (double.IsInfinity(d))
        {
            throw new JinjaRuntimeException("OverflowError: int too large to convert to float");
        }

        return value.Sign < 0 ? -d : d;
    }

    /// <summary>Python's <c>int(x)</c> of a float: truncation toward zero, exact at any size.</summary>
    public static object FromDouble(double d)
    {
        if (double.IsNaN(d))
        {
            throw new JinjaRuntimeException("ValueError: cannot convert float NaN to integer");
        }

        if (double.IsInfinity(d))
        {
            throw new JinjaRuntimeException("OverflowError: cannot convert float infinity to integer");
        }

        double t = Math.Truncate(d);
        return t is >= -9.2e18 and <= 9.2e18 ? (long)t : Normalize(new BigInteger(t));
    }

    /// <summary>The correctly rounded double nearest to (<paramref name="mantissa"/> + ε) · 2^<paramref name="exp2"/>,
    /// where 0 &lt; ε &lt; 1 when <paramref name="sticky"/> (bits below the mantissa were dropped) and ε = 0 otherwise.
    /// Ties go to even. Infinity when the value is beyond the double range.</summary>
    private static double RoundToDouble(BigInteger mantissa, int exp2, bool sticky)
    {
        long length = (long)mantissa.GetBitLength();
        long top = length - 1 + exp2; // exponent of the leading bit
        if (top > 1023)
        {
            return double.PositiveInfinity;
        }

        long keep = top >= -1022 ? 53 : 53 - (-1022 - top);
        if (keep <= 0)
        {
            // Below half the smallest subnormal, or at most exactly half of it: rounds to 0 or to it.
            bool aboveHalf = keep == 0 && (mantissa > (BigInteger.One << (int)(length - 1)) || sticky);
            return aboveHalf ? double.Epsilon : 0;
        }

        long drop = length - keep;
        if (drop <= 0)
        {
            return Math.ScaleB((double)mantissa, exp2);
        }

        var q = mantissa >> (int)drop;
        var rest = mantissa - (q << (int)drop);
        var half = BigInteger.One << (int)(drop - 1);
        int c = rest.CompareTo(half);
        if (c > 0 || (c == 0 && (sticky || !q.IsEven)))
        {
            q += 1;
        }

        return Math.ScaleB((double)q, (int)(exp2 + drop));
    }

    // ---- arithmetic (both operands are numbers: bool, long, BigInteger or double) ----

    public static object Add(object a, object b)
    {
        if (a is double || b is double)
        {
            return ToDouble(a) + ToDouble(b);
        }

        if (a is not BigInteger && b is not BigInteger)
        {
            long x = ToLong(a), y = ToLong(b);
            long r = unchecked(x + y);
            if (((x ^ r) & (y ^ r)) >= 0)
            {
                return r;
            }
        }

        return Checked(ToBig(a) + ToBig(b));
    }

    public static object Subtract(object a, object b)
    {
        if (a is double || b is double)
        {
            return ToDouble(a) - ToDouble(b);
        }

        if (a is not BigInteger && b is not BigInteger)
        {
            long x = ToLong(a), y = ToLong(b);
            long r = unchecked(x - y);
            if (((x ^ y) & (x ^ r)) >= 0)
            {
                return r;
            }
        }

        return Checked(ToBig(a) - ToBig(b));
    }

    public static object Multiply(object a, object b)
    {
        if (a is double || b is double)
        {
            return ToDouble(a) * ToDouble(b);
        }

        if (a is not BigInteger && b is not BigInteger)
        {
            long x = ToLong(a), y = ToLong(b);
            long high = Math.BigMul(x, y, out long low);
            if ((high == 0 && low >= 0) || (high == -1 && low < 0))
            {
                return low;
            }
        }

        var big = ToBig(a);
        var other = ToBig(b);
        if (big.GetBitLength() + other.GetBitLength() > MaxIntBits + 1)
        {
            throw TooLarge();
        }

        return Checked(big * other);
    }

    /// <summary>Python's <c>/</c>: always a float; int / int is correctly rounded however large the ints.</summary>
    public static object TrueDivide(object a, object b)
    {
        if (a is double || b is double)
        {
            double x = ToDouble(a), y = ToDouble(b);
            if (y == 0)
            {
                throw new JinjaRuntimeException("ZeroDivisionError: float division by zero");
            }

            return x / y;
        }

        var n = ToBig(a);
        var d = ToBig(b);
        if (d.IsZero)
        {
            throw new JinjaRuntimeException("ZeroDivisionError: division by zero");
        }

        bool negative = (n.Sign < 0) != (d.Sign < 0);
        if (n.IsZero)
        {
            return negative ? -0.0 : 0.0;
        }

        n = BigInteger.Abs(n);
        d = BigInteger.Abs(d);
        // Scale so the quotient has at least 55 bits: 53 kept, a rounding bit, and the remainder as sticky bit.
        long shift = 55 - ((long)n.GetBitLength() - (long)d.GetBitLength());
        var x2 = shift > 0 ? n << (int)shift : n;
        var y2 = shift < 0 ? d << (int)-shift : d;
        var q = BigInteger.DivRem(x2, y2, out var r);
        double result = RoundToDouble(q, (int)-shift, sticky: !r.IsZero);
        if (double.IsInfinity(result))
        {
            throw new JinjaRuntimeException("OverflowError: integer division result too large for a float");
        }

        return negative ? -result : result;
    }

    public static object FloorDivide(object a, object b)
    {
        if (a is double || b is double)
        {
            return FloatDivMod(ToDouble(a), ToDouble(b), "float floor division by zero").Div;
        }

        var (q, _) = IntDivMod(a, b);
        return q;
    }

    public static object Modulo(object a, object b)
    {
        if (a is double || b is double)
        {
            double x = ToDouble(a), y = ToDouble(b);
            if (y == 0)
            {
                throw new JinjaRuntimeException("ZeroDivisionError: float modulo");
            }

            double mod = x % y;
            if (mod != 0)
            {
                if ((y < 0) != (mod < 0))
                {
                    mod += y;
                }
            }
            else
            {
                mod = Math.CopySign(0.0, y);
            }

            return mod;
        }

        var (_, m) = IntDivMod(a, b);
        return m;
    }

    private static (object Div, object Mod) IntDivMod(object a, object b)
    {
        if (a is not BigInteger && b is not BigInteger)
        {
            long x = ToLong(a), y = ToLong(b);
            if (y == 0)
            {
                throw new JinjaRuntimeException("ZeroDivisionError: integer division or modulo by zero");
            }

            if (!(x == long.MinValue && y == -1))
            {
                long q = x / y, r = x % y;
                if (r != 0 && ((r < 0) != (y < 0)))
                {
                    q--;
                    r += y;
                }

                return (q, r);
            }
        }

        var n = ToBig(a);
        var d = ToBig(b);
        if (d.IsZero)
        {
            throw new JinjaRuntimeException("ZeroDivisionError: integer division or modulo by zero");
        }

        var bq = BigInteger.DivRem(n, d, out var br);
        if (!br.IsZero && ((br.Sign < 0) != (d.Sign < 0)))
        {
            bq -= 1;
            br += d;
        }

        return (Normalize(bq), Normalize(br));
    }

    /// <summary>CPython's <c>float_divmod</c>, including its snapping of the quotient.</summary>
    private static (double Div, double Mod) FloatDivMod(double x, double y, string zeroMessage)
    {
        if (y == 0)
        {
            throw new JinjaRuntimeException("ZeroDivisionError: " + zeroMessage);
        }

        double mod = x % y;
        double div = (x - mod) / y;
        if (mod != 0)
        {
            if ((y < 0) != (mod < 0))
            {
                mod += y;
                div -= 1.0;
            }
        }
        else
        {
            mod = Math.CopySign(0.0, y);
        }

        double floorDiv;
        if (div != 0)
        {
            floorDiv = Math.Floor(div);
            if (div - floorDiv > 0.5)
            {
                floorDiv += 1.0;
            }
        }
        else
        {
            floorDiv = Math.CopySign(0.0, x / y);
        }

        return (floorDiv, mod);
    }

    public static object Power(object a, object b)
    {
        if (a is double || b is double || ((IsInt(b) || b is bool) && ToBig(b).Sign < 0))
        {
            return FloatPower(ToDouble(a), ToDouble(b));
        }

        var baseValue = ToBig(a);
        var exponent = ToBig(b);
        if (exponent.IsZero)
        {
            return 1L;
        }

        if (baseValue.IsZero || baseValue.IsOne)
        {
            return baseValue.IsZero ? 0L : 1L;
        }

        if (baseValue == BigInteger.MinusOne)
        {
            return exponent.IsEven ? 1L : -1L;
        }

        if (exponent > MaxIntBits || (long)exponent * ((long)BigInteger.Abs(baseValue).GetBitLength() - 1) > MaxIntBits)
        {
            throw TooLarge();
        }

        return Normalize(BigInteger.Pow(baseValue, (int)exponent));
    }

    private static double FloatPower(double x, double y)
    {
        if (y == 0)
        {
            return 1.0;
        }

        if (x == 0 && y < 0)
        {
            throw new JinjaRuntimeException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
        }

        if (x < 0 && double.IsFinite(x) && double.IsFinite(y) && y != Math.Floor(y))
        {
            throw new JinjaRuntimeException("ValueError: a negative number raised to a fractional power is a complex number, which ToolLoop does not support");
        }

        double r = Math.Pow(x, y);
        if (double.IsInfinity(r) && double.IsFinite(x) && double.IsFinite(y))
        {
            throw new JinjaRuntimeException("OverflowError: (34, 'Numerical result out of range')");
        }

        return r;
    }

    public static object Negate(object v) => v switch
    {
        bool b => b ? -1L : 0L,
        long l => l == long.MinValue ? -(BigInteger)l : (object)-l,
        BigInteger big => Normalize(-big),
        double d => -d,
        _ => throw Py.TypeError($"bad operand type for unary -: '{Py.TypeName(v)}'"),
    };

    public static object Abs(object v) => v switch
    {
        bool b => b ? 1L : 0L,
        long l => l == long.MinValue ? -(BigInteger)l : (object)Math.Abs(l),
        BigInteger big => Normalize(BigInteger.Abs(big)),
        double d => Math.Abs(d),
        _ => throw Py.TypeError($"bad operand type for abs(): '{Py.TypeName(v)}'"),
    };

    // ---- comparison and hashing ----

    /// <summary>Python's exact ordering of two numbers; null when a NaN makes them unordered.</summary>
    public static int? Compare(object a, object b)
    {
        if (a is double x)
        {
            return b is double y ? CompareDoubles(x, y) : Negate(CompareIntDouble(ToBig(b), x));
        }

        if (b is double y2)
        {
            return CompareIntDouble(ToBig(a), y2);
        }

        if (a is BigInteger || b is BigInteger)
        {
            return ToBig(a).CompareTo(ToBig(b));
        }

        return ToLong(a).CompareTo(ToLong(b));

        static int? Negate(int? c) => c is null ? null : -c;
    }

    public static bool Equal(object a, object b) => Compare(a, b) == 0;

    private static int? CompareDoubles(double x, double y) =>
        double.IsNaN(x) || double.IsNaN(y) ? null : x < y ? -1 : x > y ? 1 : 0;

    private static int? CompareIntDouble(BigInteger i, double d)
    {
        if (double.IsNaN(d))
        {
            return null;
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? -1 : 1;
        }

        double floor = Math.Floor(d);
        int c = i.CompareTo(new BigInteger(floor));
        return c != 0 ? c : d > floor ? -1 : 0;
    }

    /// <summary>Equal numbers hash alike whatever their type (<c>hash(1) == hash(1.0) == hash(True)</c>).</summary>
    public static int Hash(object v) => v switch
    {
        bool b => b ? 1L.GetHashCode() : 0L.GetHashCode(),
        long l => l.GetHashCode(),
        BigInteger big => BigToDoubleOrInfinity(big).GetHashCode(),
        double d when d == Math.Floor(d) && d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 => ((long)d).GetHashCode(),
        double d => d.GetHashCode(),
        _ => 0,
    };

    private static double BigToDoubleOrInfinity(BigInteger big) =>
        big.Sign < 0 ? -RoundToDouble(-big, 0, false) : RoundToDouble(big, 0, false);

    private static long ToLong(object v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => throw new InvalidOperationException("not a 64-bit int"),
    };

    private static object Checked(BigInteger value)
    {
        if (value.GetBitLength() > MaxIntBits)
        {
            throw TooLarge();
        }

        return Normalize(value);
    }

    private static JinjaRuntimeException TooLarge() =>
        new($"OverflowError: integer result larger than ToolLoop's cap of {MaxIntBits} bits");

    // ---- strings ----

    /// <summary>Python's <c>str(int)</c>, with its limit of 4300 digits.</summary>
    public static string IntToString(BigInteger value)
    {
        if (value.GetBitLength() > 14300)
        {
            throw DigitLimit();
        }

        string s = value.ToString(CultureInfo.InvariantCulture);
        if (s.Length - (value.Sign < 0 ? 1 : 0) > MaxStrDigits)
        {
            throw DigitLimit();
        }

        return s;
    }

    private static JinjaRuntimeException DigitLimit() =>
        new($"ValueError: Exceeds the limit ({MaxStrDigits} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");

    /// <summary>Python's <c>int(text, base)</c> (base 0 reads a prefix): surrounding whitespace, a sign, digits of
    /// any script for base 10, single underscores between digits. Null when Python raises ValueError.</summary>
    public static object? ParseInt(string text, int numberBase)
    {
        var s = text.AsSpan();
        int start = 0, end = s.Length;
        while (start < end && PyUnicode.IsSpace(s[start]))
        {
            start++;
        }

        while (end > start && PyUnicode.IsSpace(s[end - 1]))
        {
            end--;
        }

        s = s[start..end];
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.Length > 1 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b')
        {
            int prefixBase = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (numberBase == 0 || numberBase == prefixBase)
            {
                numberBase = prefixBase;
                s = s[2..];
                if (s.Length > 0 && s[0] == '_')
                {
                    s = s[1..];
                }
            }
        }
        else if (numberBase == 0)
        {
            // Base 0 refuses leading zeros on a non-zero decimal number ("010").
            if (s.Length > 1 && s[0] == '0' && s.IndexOfAnyExcept("0_") >= 0)
            {
                return null;
            }

            numberBase = 10;
        }

        if (numberBase is < 2 or > 36 || s.Length == 0)
        {
            return null;
        }

        var value = BigInteger.Zero;
        int digits = 0;
        bool previousUnderscore = true; // no leading underscore
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '_')
            {
                if (previousUnderscore)
                {
                    return null;
                }

                previousUnderscore = true;
                continue;
            }

            int d = DigitValue(s, ref i);
            if (d < 0 || d >= numberBase)
            {
                return null;
            }

            previousUnderscore = false;
            digits++;
            if (numberBase == 10 && digits > MaxStrDigits)
            {
                // Python raises ValueError: more digits than sys.get_int_max_str_digits().
                return null;
            }

            value = (value * numberBase) + d;
            if (value.GetBitLength() > MaxIntBits)
            {
                throw TooLarge();
            }
        }

        if (previousUnderscore)
        {
            return null;
        }

        return Normalize(negative ? -value : value);
    }

    private static int DigitValue(ReadOnlySpan<char> s, ref int i)
    {
        char c = s[i];
        if (c < 0x80)
        {
            return c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : -1;
        }

        string cp = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? new string(s.Slice(i++, 2)) : c.ToString();
        int code = char.ConvertToUtf32(cp, 0);
        return PyUnicode.IsDecimal(code) ? CharUnicodeInfo.GetDecimalDigitValue(cp, 0) : -1;
    }

    /// <summary>Python's <c>float(text)</c>; null when Python raises ValueError.</summary>
    public static double? ParseFloat(string text)
    {
        var sb = new StringBuilder(text.Length);
        int start = 0, end = text.Length;
        while (start < end && PyUnicode.IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && PyUnicode.IsSpace(text[end - 1]))
        {
            end--;
        }

        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (c >= 0x80)
            {
                int d = DigitValue(text.AsSpan(), ref i);
                if (d is < 0 or > 9)
                {
                    return null;
                }

                sb.Append((char)('0' + d));
                continue;
            }

            if (c == '_')
            {
                // Underscores only between digits.
                if (sb.Length == 0 || !char.IsAsciiDigit(sb[^1]) || i + 1 >= end || !char.IsAsciiDigit(text[i + 1]))
                {
                    return null;
                }

                continue;
            }

            sb.Append(c);
        }

        string s = sb.ToString();
        string lower = s.ToLowerInvariant();
        string unsigned = lower.Length > 0 && lower[0] is '+' or '-' ? lower[1..] : lower;
        if (unsigned is "inf" or "infinity" or "nan")
        {
            double special = unsigned == "nan" ? double.NaN : double.PositiveInfinity;
            return lower.StartsWith('-') ? -special : special;
        }

        // Python's grammar: [sign] (digits [. [digits]] | . digits) [(e|E) [sign] digits]
        int p = 0;
        if (p < s.Length && s[p] is '+' or '-')
        {
            p++;
        }

        int intDigits = 0, fracDigits = 0;
        while (p < s.Length && char.IsAsciiDigit(s[p]))
        {
            p++;
            intDigits++;
        }

        if (p < s.Length && s[p] == '.')
        {
            p++;
            while (p < s.Length && char.IsAsciiDigit(s[p]))
            {
                p++;
                fracDigits++;
            }
        }

        if (intDigits + fracDigits == 0)
        {
            return null;
        }

        if (p < s.Length && s[p] is 'e' or 'E')
        {
            p++;
            if (p < s.Length && s[p] is '+' or '-')
            {
                p++;
            }

            int expDigits = 0;
            while (p < s.Length && char.IsAsciiDigit(s[p]))
            {
                p++;
                expDigits++;
            }

            if (expDigits == 0)
            {
                return null;
            }
        }

        return p == s.Length ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
    }

    // ---- exact decimal digits of a double ----

    /// <summary>|d| = mantissa · 2^exponent, d finite.</summary>
    private static (BigInteger Mantissa, int Exponent) Decompose(double d)
    {
        long bits = BitConverter.DoubleToInt64Bits(d) & long.MaxValue;
        int exp = (int)(bits >> 52);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0)
        {
            exp = 1;
        }
        else
        {
            fraction |= 1L << 52;
        }

        return (fraction, exp - 1075);
    }

    private static BigInteger Pow10(int n) => BigInteger.Pow(10, n);

    /// <summary>round-half-even(|d| · 10^<paramref name="scale"/>) as an integer.</summary>
    private static BigInteger ScaledRound(double d, int scale)
    {
        var (m, e) = Decompose(d);
        BigInteger num = m, den = BigInteger.One;
        if (e >= 0)
        {
            num <<= e;
        }
        else
        {
            den <<= -e;
        }

        if (scale >= 0)
        {
            num *= Pow10(scale);
        }
        else
        {
            den *= Pow10(-scale);
        }

        var q = BigInteger.DivRem(num, den, out var r);
        int c = (r << 1).CompareTo(den);
        return c > 0 || (c == 0 && !q.IsEven) ? q + 1 : q;
    }

    /// <summary>The decimal exponent X with 10^X ≤ |d| &lt; 10^(X+1), d finite and non-zero.</summary>
    private static int DecimalExponent(double d)
    {
        var (m, e) = Decompose(d);
        int x = (int)Math.Floor(Math.Log10(Math.Abs(d)));
        while (ComparePow10(m, e, x) < 0)
        {
            x--;
        }

        while (ComparePow10(m, e, x + 1) >= 0)
        {
            x++;
        }

        return x;

        static int ComparePow10(BigInteger m, int e, int x)
        {
            var left = m;
            var right = BigInteger.One;
            if (e >= 0)
            {
                left <<= e;
            }
            else
            {
                right <<= -e;
            }

            if (x >= 0)
            {
                right *= Pow10(x);
            }
            else
            {
                left *= Pow10(-x);
            }

            return left.CompareTo(right);
        }
    }

    private static void CheckPrecision(int precision)
    {
        if (precision > MaxPrecision)
        {
            throw new JinjaRuntimeException($"ValueError: precision too big (ToolLoop's cap is {MaxPrecision})");
        }
    }

    /// <summary>The digits of <c>'%.{precision}f' % abs(d)</c> (d finite).</summary>
    public static string FixedDigits(double d, int precision)
    {
        CheckPrecision(precision);
        string digits = ScaledRound(d, precision).ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        return precision > 0 ? digits[..^precision] + "." + digits[^precision..] : digits;
    }

    /// <summary>The significant digits of |d| rounded to <paramref name="count"/> digits, and the decimal exponent
    /// of the first one (d finite; zero gives zeros and exponent 0).</summary>
    private static (string Digits, int Exponent) SignificantDigits(double d, int count)
    {
        if (d == 0)
        {
            return (new string('0', count), 0);
        }

        int x = DecimalExponent(d);
        var n = ScaledRound(d, count - 1 - x);
        string s = n.ToString(CultureInfo.InvariantCulture);
        if (s.Length > count)
        {
            // Rounding carried into a new digit (9.99… → 10.0…).
            x++;
            s = s[..count];
        }

        return (s, x);
    }

    /// <summary>The digits of <c>'%.{precision}e' % abs(d)</c> (d finite), e.g. <c>1.500000e+00</c>.</summary>
    public static string ExponentDigits(double d, int precision, bool upper)
    {
        CheckPrecision(precision);
        var (digits, x) = SignificantDigits(d, precision + 1);
        return Exponent(digits, x, precision > 0, upper);
    }

    private static string Exponent(string digits, int x, bool point, bool upper)
    {
        var sb = new StringBuilder(digits.Length + 6);
        sb.Append(digits[0]);
        if (point)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }

        sb.Append(upper ? 'E' : 'e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>The digits of <c>'%.{precision}g' % abs(d)</c> (d finite). <paramref name="alternate"/> keeps trailing
    /// zeros (<c>#</c>); <paramref name="reprStyle"/> is <c>format()</c> without a type: at least one digit after the
    /// point in fixed notation, scientific from exponent precision − 1 on.</summary>
    public static string GeneralDigits(double d, int precision, bool alternate, bool upper, bool reprStyle = false)
    {
        CheckPrecision(precision);
        if (precision == 0)
        {
            precision = 1;
        }

        var (digits, x) = SignificantDigits(d, precision);
        bool fixedNotation = x >= -4 && x < (reprStyle ? precision - 1 : precision);

        if (!fixedNotation)
        {
            if (!alternate)
            {
                digits = digits.TrimEnd('0');
                if (digits.Length == 0)
                {
                    digits = "0";
                }
            }

            return Exponent(digits, x, digits.Length > 1 || alternate, upper);
        }

        string text;
        if (x >= 0)
        {
            string intPart = digits[..(x + 1)];
            string frac = digits[(x + 1)..];
            text = intPart + (frac.Length > 0 || alternate ? "." + frac : "");
        }
        else
        {
            text = "0." + new string('0', -x - 1) + digits;
        }

        if (!alternate && text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        if (reprStyle && !text.Contains('.', StringComparison.Ordinal))
        {
            text += ".0";
        }

        return text;
    }

    /// <summary>Python's <c>round(float, ndigits)</c>: the exact binary value rounded half to even.</summary>
    public static double Round(double d, long ndigits)
    {
        if (!double.IsFinite(d) || d == 0 || ndigits > 323)
        {
            return d;
        }

        if (ndigits < -308)
        {
            return 0.0 * d;
        }

        var n = ScaledRound(d, (int)ndigits);
        double r = double.Parse(n.ToString(CultureInfo.InvariantCulture) + "E" + (-ndigits).ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(r))
        {
            throw new JinjaRuntimeException("OverflowError: rounded value too large to represent");
        }

        return double.IsNegative(d) ? -r : r;
    }

    /// <summary>Python's <c>round(int, ndigits)</c>: unchanged for ndigits ≥ 0, else half to even at 10^-ndigits.</summary>
    public static object RoundInt(object value, long ndigits)
    {
        if (ndigits >= 0)
        {
            return value is bool b ? (b ? 1L : 0L) : value;
        }

        var v = ToBig(value);
        if (-ndigits > (long)v.GetBitLength())
        {
            return 0L;
        }

        var pow = Pow10((int)-ndigits);
        var q = BigInteger.DivRem(v, pow, out var r);
        if (r.Sign < 0)
        {
            q -= 1;
            r += pow;
        }

        int c = (r << 1).CompareTo(pow);
        if (c > 0 || (c == 0 && !q.IsEven))
        {
            q += 1;
        }

        return Normalize(q * pow);
    }

    /// <summary>Python's <c>math.floor</c> / <c>math.ceil</c>: an int.</summary>
    public static object FloorOrCeil(object value, bool ceil)
    {
        if (value is double d)
        {
            return FromDouble(ceil ? Math.Ceiling(d) : Math.Floor(d));
        }

        return value is bool b ? (b ? 1L : 0L) : value;
    }
}
