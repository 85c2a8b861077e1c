namespace ToolLoop;

/// <summary>Something a template can call: a global function, a bound str/dict/list method, a macro.</summary>
internal abstract class PyCallable
{
    public abstract string TypeName { get; }

    public abstract string ReprText { get; }

    public abstract object? Call(JinjaInterpreter interpreter, List<object?> args, List<KeyValuePair<string, object?>> kwargs);
}
