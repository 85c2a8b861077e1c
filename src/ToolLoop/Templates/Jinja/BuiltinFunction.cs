namespace ToolLoop;

/// <summary>A global function such as <c>range</c>, <c>namespace</c> or <c>raise_exception</c>.</summary>
internal sealed class BuiltinFunction(string name, Func<JinjaInterpreter, List<object?>, List<KeyValuePair<string, object?>>, object?> body) : PyCallable
{
    public string Name { get; } = name;

    public override string TypeName => "builtin_function_or_method";

    public override string ReprText => $"<built-in function {Name}>";

    public override object? Call(JinjaInterpreter interpreter, List<object?> args, List<KeyValuePair<string, object?>> kwargs) => body(interpreter, args, kwargs);
}
