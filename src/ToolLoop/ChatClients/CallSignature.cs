using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ToolLoop;

/// <summary>
/// A call's name and arguments compared canonically (feature 15): key order does not matter and numbers compare by
/// value (<c>1</c>, <c>1.0</c> and <c>1.00</c> are equal). Equality and the hash are computed on the arguments as they
/// are, JSON elements or CLR values, without serializing them.
/// </summary>
internal readonly struct CallSignature : IEquatable<CallSignature>
{
    private readonly int _hash;

    public CallSignature(string name, IDictionary<string, object?>? arguments)
    {
        Name = name;
        Arguments = arguments;
        _hash = HashCode.Combine(name.GetHashCode(StringComparison.Ordinal), HashObject(arguments));
    }

    public string? Name { get; }

    public IDictionary<string, object?>? Arguments { get; }

    public bool IsEmpty => Name is null;

    public static bool operator ==(CallSignature left, CallSignature right) => left.Equals(right);

    public static bool operator !=(CallSignature left, CallSignature right) => !left.Equals(right);

    public bool Equals(CallSignature other)
        => _hash == other._hash && string.Equals(Name, other.Name, StringComparison.Ordinal) && ObjectsEqual(Arguments, other.Arguments);

    public override bool Equals(object? obj) => obj is CallSignature other && Equals(other);

    public override int GetHashCode() => _hash;

    private static int HashObject(IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            return 0;
        }

        // Order-independent: a sum of per-property hashes.
        var hash = 17;
        if (arguments is Dictionary<string, object?> dictionary)
        {
            foreach (var pair in dictionary)
            {
                hash = unchecked(hash + HashCode.Combine(pair.Key.GetHashCode(StringComparison.Ordinal), HashValue(pair.Value)));
            }

            return hash;
        }

        foreach (var pair in arguments)
        {
            hash = unchecked(hash + HashCode.Combine(pair.Key.GetHashCode(StringComparison.Ordinal), HashValue(pair.Value)));
        }

        return hash;
    }

    private static int HashValue(object? value)
    {
        switch (value)
        {
            case null:
                return 0;
            case string s:
                return HashString(s);
            case bool b:
                return b ? 1 : 2;
            case JsonElement e:
                return HashElement(e);
            default:
                return TryNumber(value, out var number) ? number.GetHashCode() : HashElement(ToolLoopJson.ToElement(value));
        }
    }

    private static int HashElement(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return HashStringElement(e);
            case JsonValueKind.Number:
                return e.TryGetInt64(out var whole) ? ((decimal)whole).GetHashCode()
                    : TryNumber(e, out var number) ? number.GetHashCode() : StringComparer.Ordinal.GetHashCode(e.GetRawText());
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 2;
            case JsonValueKind.Object:
                var hash = 19;
                foreach (var property in e.EnumerateObject())
                {
                    hash = unchecked(hash + HashCode.Combine(property.Name.GetHashCode(StringComparison.Ordinal), HashElement(property.Value)));
                }

                return hash;
            case JsonValueKind.Array:
                var h = new HashCode();
                foreach (var item in e.EnumerateArray())
                {
                    h.Add(HashElement(item));
                }

                return h.ToHashCode();
            default:
                return 0;
        }
    }

    /// <summary>The ordinal string hash: the same for a string and for its characters in a span (<see cref="HashStringElement"/>).</summary>
    private static int HashString(string s) => string.GetHashCode(s.AsSpan());

    private static int HashStringElement(JsonElement e)
    {
        var raw = JsonMarshal.GetRawUtf8Value(e);
        raw = raw[1..^1];
        if (raw.IndexOf((byte)'\\') < 0 && raw.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0)
        {
            // ASCII without escapes hashes like the string it stands for, without allocating it; anything else is unescaped first.
            Span<char> chars = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                chars[i] = (char)raw[i];
            }

            return string.GetHashCode((ReadOnlySpan<char>)chars);
        }

        return HashString(e.GetString()!);
    }

    private static bool ObjectsEqual(IDictionary<string, object?>? a, IDictionary<string, object?>? b)
    {
        var countA = a?.Count ?? 0;
        if (countA != (b?.Count ?? 0))
        {
            return false;
        }

        if (countA == 0)
        {
            return true;
        }

        foreach (var pair in a!)
        {
            if (!b!.TryGetValue(pair.Key, out var other) || !ValuesEqual(pair.Value, other))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ValuesEqual(object? a, object? b)
    {
        if (a is string sa && b is string sb)
        {
            return string.Equals(sa, sb, StringComparison.Ordinal);
        }

        if (a is null || b is null)
        {
            return IsNull(a) && IsNull(b);
        }

        if (TryNumber(a, out var na) && TryNumber(b, out var nb))
        {
            return na == nb;
        }

        return ElementsEqual(ToolLoopJson.ToElement(a), ToolLoopJson.ToElement(b));
    }

    private static bool IsNull(object? value) => value is null || value is JsonElement { ValueKind: JsonValueKind.Null };

    private static bool ElementsEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return TryNumber(a, out var na) && TryNumber(b, out var nb) ? na == nb : a.GetRawText() == b.GetRawText();
            case JsonValueKind.String:
                return a.ValueEquals(b.GetString());
            case JsonValueKind.Object:
                var count = 0;
                foreach (var property in a.EnumerateObject())
                {
                    count++;
                    if (!b.TryGetProperty(property.Name, out var other) || !ElementsEqual(property.Value, other))
                    {
                        return false;
                    }
                }

                foreach (var _ in b.EnumerateObject())
                {
                    count--;
                }

                return count == 0;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (var ea = a.EnumerateArray())
                using (var eb = b.EnumerateArray())
                {
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!ElementsEqual(ea.Current, eb.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>A number as a decimal (exact for JSON numbers that fit); doubles outside decimal's range are not numbers here.</summary>
    private static bool TryNumber(object value, out decimal number)
    {
        switch (value)
        {
            case int i:
                number = i;
                return true;
            case long l:
                number = l;
                return true;
            case decimal d:
                number = d;
                return true;
            case double x when double.IsFinite(x) && Math.Abs(x) < 7.9e28:
                number = (decimal)x;
                return true;
            case float f when float.IsFinite(f) && Math.Abs(f) < 7.9e28f:
                number = (decimal)f;
                return true;
            case JsonElement { ValueKind: JsonValueKind.Number } e:
                return e.TryGetDecimal(out number)
                    || decimal.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default:
                number = 0;
                return false;
        }
    }
}
