using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ToolLoop;

/// <summary>
/// <c>AIFunctionArguments.Context</c> for one call: holds <c>typeof(ToolInvocationContext)</c> → the context without a
/// hash table (a call is made per round, so this is on the loop's hot path); a write turns it into a normal dictionary.
/// </summary>
internal sealed class InvocationContextDictionary(ToolInvocationContext context) : IDictionary<object, object?>
{
    private Dictionary<object, object?>? _more;

    public int Count => _more?.Count ?? 1;

    public bool IsReadOnly => false;

    public ICollection<object> Keys => _more?.Keys ?? (ICollection<object>)[typeof(ToolInvocationContext)];

    public ICollection<object?> Values => _more?.Values ?? (ICollection<object?>)[context];

    public object? this[object key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException();
        set => More()[key] = value;
    }

    public void Add(object key, object? value) => More().Add(key, value);

    public void Add(KeyValuePair<object, object?> item) => More().Add(item.Key, item.Value);

    public void Clear() => More().Clear();

    public bool Contains(KeyValuePair<object, object?> item) => TryGetValue(item.Key, out var value) && Equals(value, item.Value);

    public bool ContainsKey(object key) => TryGetValue(key, out _);

    public void CopyTo(KeyValuePair<object, object?>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        foreach (var pair in this)
        {
            array[arrayIndex++] = pair;
        }
    }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator()
    {
        if (_more is not null)
        {
            return _more.GetEnumerator();
        }

        return Single();

        IEnumerator<KeyValuePair<object, object?>> Single()
        {
            yield return new(typeof(ToolInvocationContext), context);
        }
    }

    public bool Remove(object key) => More().Remove(key);

    public bool Remove(KeyValuePair<object, object?> item) => Contains(item) && More().Remove(item.Key);

    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_more is not null)
        {
            return _more.TryGetValue(key, out value);
        }

        if (Equals(key, typeof(ToolInvocationContext)))
        {
            value = context;
            return true;
        }

        value = null;
        return false;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Dictionary<object, object?> More() => _more ??= new Dictionary<object, object?> { [typeof(ToolInvocationContext)] = context };
}
