namespace ToolLoop;

/// <summary>A str, dict or list method bound to its receiver, e.g. <c>content.strip</c>.</summary>
internal sealed class BoundMethod(object? receiver, string name) : PyCallable
{
    public object? Receiver { get; } = receiver;

    public string Name { get; } = name;

    public override string TypeName => "builtin_function_or_method";

    public override string ReprText => $"<built-in method {Name} of {Py.TypeName(Receiver)} object>";

    public override object? Call(JinjaInterpreter interpreter, List<object?> args, List<KeyValuePair<string, object?>> kwargs) =>
        PyMethods.Call(interpreter, Receiver, Name, args, kwargs);
}
