namespace ToolLoop;

/// <summary>A variable scope: the template's top level, one loop iteration, a macro call, a with block.</summary>
/// <remarks>Most scopes (a loop iteration: <c>loop</c> and the target) hold one or two names, so the first two live in
/// fields and a dictionary is made only for a third: a render creates a scope per iteration.</remarks>
internal sealed class JinjaScope(JinjaScope? parent)
{
    private string? _name0;
    private object? _value0;
    private string? _name1;
    private object? _value1;
    private Dictionary<string, object?>? _more;

    public JinjaScope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s.TryGetOwn(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Set(string name, object? value)
    {
        if (_name0 is null || string.Equals(_name0, name, StringComparison.Ordinal))
        {
            _name0 = name;
            _value0 = value;
        }
        else if (_name1 is null || string.Equals(_name1, name, StringComparison.Ordinal))
        {
            _name1 = name;
            _value1 = value;
        }
        else
        {
            (_more ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = value;
        }
    }

    private bool TryGetOwn(string name, out object? value)
    {
        if (string.Equals(_name0, name, StringComparison.Ordinal))
        {
            value = _value0;
            return true;
        }

        if (string.Equals(_name1, name, StringComparison.Ordinal))
        {
            value = _value1;
            return true;
        }

        if (_more is not null)
        {
            return _more.TryGetValue(name, out value);
        }

        value = null;
        return false;
    }
}
