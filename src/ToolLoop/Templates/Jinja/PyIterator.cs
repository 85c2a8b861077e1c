namespace ToolLoop;

/// <summary>A one-shot Python iterator or generator, as returned by filters such as <c>map</c>,
/// <c>select</c>, <c>selectattr</c>, <c>unique</c>, <c>items</c> and <c>reverse</c>: it iterates once,
/// has no length, is always truthy, and is not JSON serializable.</summary>
internal sealed class PyIterator(List<object?> items, string kind = "generator")
{
    private bool _consumed;

    public string Kind { get; } = kind;

    public List<object?> Take()
    {
        if (_consumed)
        {
            return [];
        }

        _consumed = true;
        return items;
    }
}
