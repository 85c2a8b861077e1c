namespace ToolLoop;

/// <summary>A Python list or tuple.</summary>
internal sealed class PyList(List<object?> items, bool isTuple = false)
{
    public PyList() : this([])
    {
    }

    public List<object?> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    /// <summary>Field names of a named tuple (groupby's <c>(grouper, list)</c>); null for plain tuples.</summary>
    public string[]? FieldNames { get; init; }

    public int Count => Items.Count;
}
