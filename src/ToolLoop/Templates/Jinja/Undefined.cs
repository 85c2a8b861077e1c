namespace ToolLoop;

/// <summary>Jinja2's default <c>Undefined</c>: prints as empty, is falsy, iterates as empty, and raises
/// when an attribute or item of it is taken, when it is called, or when it is used in arithmetic.</summary>
internal sealed class Undefined(string? hint = null, string? name = null, object? owner = null)
{
    public static readonly Undefined Instance = new();

    public string? Hint { get; } = hint;

    public string? Name { get; } = name;

    public object? Owner { get; } = owner;

    public string Describe()
    {
        if (Hint is not null)
        {
            return Hint;
        }

        if (Name is null)
        {
            return "value is undefined";
        }

        return Owner is null ? $"'{Name}' is undefined" : $"'{Py.TypeName(Owner)} object' has no attribute '{Name}'";
    }
}
