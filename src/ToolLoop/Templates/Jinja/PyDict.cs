namespace ToolLoop;

/// <summary>A Python dict: insertion-ordered, keys compared with Python equality (1 == 1.0 == True).</summary>
internal sealed class PyDict
{
    private readonly OrderedDictionary<object, object?> _items;

    public PyDict() => _items = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);

    public PyDict(int capacity) => _items = new OrderedDictionary<object, object?>(capacity, PyKeyComparer.Instance);

    public int Count => _items.Count;

    public IEnumerable<object> Keys => _items.Keys;

    public IEnumerable<object?> Values => _items.Values;

    /// <summary>The items in order; typed as the dictionary itself so a <c>foreach</c> uses its struct enumerator
    /// (callers only read it).</summary>
    public OrderedDictionary<object, object?> Items => _items;

    public bool TryGetValue(object? key, out object? value)
    {
        if (key is null || !PyKeyComparer.IsHashable(key))
        {
            value = null;
            return false;
        }

        return _items.TryGetValue(key, out value);
    }

    public bool ContainsKey(object? key) => key is not null && PyKeyComparer.IsHashable(key) && _items.ContainsKey(key);

    public bool Remove(object? key, out object? value)
    {
        value = null;
        return key is not null && PyKeyComparer.IsHashable(key) && _items.Remove(key, out value);
    }

    public void Clear() => _items.Clear();

    public KeyValuePair<object, object?> PopLast()
    {
        var last = _items.GetAt(_items.Count - 1);
        _items.RemoveAt(_items.Count - 1);
        return last;
    }

    public void Set(object? key, object? value)
    {
        if (key is null || !PyKeyComparer.IsHashable(key))
        {
            throw new JinjaRuntimeException($"unhashable or unsupported dict key: {Py.TypeName(key)}");
        }

        _items[key] = value;
    }
}
