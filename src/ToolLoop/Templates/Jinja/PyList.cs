namespace ToolLoop;

/// <summary>A Python list or tuple.</summary>
internal sealed class PyList(List<object?> items, bool isTuple = false)
{
    public PyList() : this([])
    {
    }

    public List<object?> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    public int Count => Items.Count;
}
