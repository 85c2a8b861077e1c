namespace ToolLoop;

/// <summary>A <c>{% macro %}</c> (or the <c>caller</c> of a call block) bound to the scope it was defined in.</summary>
internal sealed class MacroCallable(JinjaNode.Macro node, JinjaScope closure, MacroCallable? caller) : PyCallable
{
    public JinjaNode.Macro Node { get; } = node;

    public JinjaScope Closure { get; } = closure;

    public MacroCallable? Caller { get; } = caller;

    public override string TypeName => "Macro";

    public override string ReprText => $"<Macro '{Node.Name}'>";

    public override object? Call(JinjaInterpreter interpreter, List<object?> args, List<KeyValuePair<string, object?>> kwargs) =>
        interpreter.InvokeMacro(this, args, kwargs);
}
