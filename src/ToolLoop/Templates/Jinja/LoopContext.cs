namespace ToolLoop;

/// <summary>The <c>loop</c> variable inside a <c>for</c> block.</summary>
internal sealed class LoopContext(List<object?> items, int depth0)
{
    private object? _lastChanged = s_noValue;
    private static readonly object s_noValue = new();

    public List<object?> Items { get; } = items;

    public int Index0 { get; set; }

    public int Length => Items.Count;

    public int Depth0 { get; } = depth0;

    /// <summary>For <c>{% for ... recursive %}</c>: renders the loop body over another iterable, one level deeper.</summary>
    public Func<object?, string>? Recurse { get; init; }

    public object? GetField(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => (long)(Depth0 + 1),
        "depth0" => (long)Depth0,
        "previtem" => Index0 > 0 ? Items[Index0 - 1] : new Undefined(hint: "there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? Items[Index0 + 1] : new Undefined(hint: "there is no next item"),
        "cycle" => new BuiltinFunction("cycle", (_, args, _) =>
            args.Count == 0 ? throw Py.TypeError("no items for cycling given") : args[Index0 % args.Count]),
        "changed" => new BuiltinFunction("changed", (_, args, _) =>
        {
            var value = new PyList(args, isTuple: true);
            if (_lastChanged == s_noValue || !Py.Eq(_lastChanged, value))
            {
                _lastChanged = value;
                return true;
            }

            return false;
        }),
        _ => null,
    };
}
