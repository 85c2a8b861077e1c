namespace ToolLoop;

/// <summary>Python hashing and equality for dict keys: numbers compare by value across int, float and bool.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public static bool IsHashable(object key) => key is string or long or double or bool or Markup or System.Numerics.BigInteger || (key is PyList l && l.IsTuple);

    public new bool Equals(object? x, object? y) => Py.Eq(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        string s => string.GetHashCode(s, StringComparison.Ordinal),
        Markup m => string.GetHashCode(m.Value, StringComparison.Ordinal),
        bool or long or double or System.Numerics.BigInteger => PyNumber.Hash(obj),
        PyList l => l.Items.Count,
        _ => 0,
    };
}
