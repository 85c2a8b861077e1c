namespace ToolLoop;

/// <summary>The object <c>namespace(...)</c> returns: attributes assignable with <c>{% set ns.x = ... %}</c> from any scope.</summary>
internal sealed class PyNamespace(PyDict attributes)
{
    public PyDict Attributes { get; } = attributes;
}
