namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>One property of an object schema, in schema order.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Schema">The property's schema.</param>
/// <param name="Required">Whether <c>required</c> lists it.</param>
internal sealed record SchemaProperty(string Name, SchemaNode Schema, bool Required);
