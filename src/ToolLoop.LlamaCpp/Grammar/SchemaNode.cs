using System.Text.Json;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// One node of a JSON Schema as the grammar converter sees it: the keywords that constrain the JSON text, decided once
/// (which of <c>$ref</c>, <c>anyOf</c>, <c>type</c>, <c>const</c>, <c>enum</c>… wins) by <see cref="SchemaReader"/>.
/// Annotations (<c>description</c>, <c>title</c>, <c>default</c>, <c>examples</c>) are not kept.
/// </summary>
internal sealed class SchemaNode
{
    public SchemaNode(SchemaKind kind)
    {
        Kind = kind;
    }

    public SchemaKind Kind { get; }

    /// <summary>The reference text of a <see cref="SchemaKind.Ref"/> node.</summary>
    public string Ref { get; init; } = "";

    /// <summary>The node a <see cref="SchemaKind.Ref"/> points at; set once the whole document is read.</summary>
    public SchemaNode? Target { get; set; }

    /// <summary>The alternatives (<see cref="SchemaKind.AnyOf"/>), parts (<see cref="SchemaKind.AllOf"/>) or items (<see cref="SchemaKind.Tuple"/>).</summary>
    public List<SchemaNode> Children { get; } = [];

    /// <summary>The value of a <see cref="SchemaKind.Const"/> node.</summary>
    public JsonElement Value { get; init; }

    /// <summary>The values of an <see cref="SchemaKind.Enum"/> node.</summary>
    public List<JsonElement> Values { get; } = [];

    /// <summary>The inclusive lower bound of an <see cref="SchemaKind.Integer"/> (<see cref="long.MinValue"/>: none).</summary>
    public long Minimum { get; set; } = long.MinValue;

    /// <summary>The inclusive upper bound of an <see cref="SchemaKind.Integer"/> (<see cref="long.MaxValue"/>: none).</summary>
    public long Maximum { get; set; } = long.MaxValue;

    /// <summary>The <c>pattern</c> of a <see cref="SchemaKind.String"/>, or <see langword="null"/>.</summary>
    public string? Pattern { get; init; }

    public StringFormat Format { get; init; }

    public int MinLength { get; init; }

    /// <summary>The <c>maxLength</c> of a string; -1 for none.</summary>
    public int MaxLength { get; init; } = -1;

    /// <summary>
    /// The item schema of an <see cref="SchemaKind.Array"/> (an <see cref="SchemaKind.Any"/> node when absent), or of the
    /// items after the prefix of a <see cref="SchemaKind.Tuple"/> (<see langword="null"/>: no more items).
    /// </summary>
    public SchemaNode? Items { get; init; }

    public int MinItems { get; init; }

    /// <summary>The <c>maxItems</c> of an array; -1 for none.</summary>
    public int MaxItems { get; init; } = -1;

    /// <summary>The properties of an <see cref="SchemaKind.Object"/>, in schema order.</summary>
    public List<SchemaProperty> Properties { get; } = [];

    /// <summary>The schema of additional properties, or <see langword="null"/> when none are allowed.</summary>
    public SchemaNode? AdditionalProperties { get; init; }

    public SchemaNode WithChildren(IEnumerable<SchemaNode> children)
    {
        Children.AddRange(children);
        return this;
    }

    /// <summary>The JSON value types this schema may produce, through any branch.</summary>
    public JsonValueTypes ValueTypes()
    {
        var visited = new HashSet<SchemaNode>(ReferenceEqualityComparer.Instance);
        return ValueTypes(this, visited);
    }

    private static JsonValueTypes ValueTypes(SchemaNode s, HashSet<SchemaNode> visited)
    {
        switch (s.Kind)
        {
            case SchemaKind.Any: return JsonValueTypes.All;
            case SchemaKind.Null: return JsonValueTypes.Null;
            case SchemaKind.Boolean: return JsonValueTypes.Boolean;
            case SchemaKind.Number: return JsonValueTypes.Number | JsonValueTypes.Integer;
            case SchemaKind.Integer: return JsonValueTypes.Integer;
            case SchemaKind.String: return JsonValueTypes.String;
            case SchemaKind.Array:
            case SchemaKind.Tuple: return JsonValueTypes.Array;
            case SchemaKind.Object: return JsonValueTypes.Object;
            case SchemaKind.Const: return TypeOf(s.Value);
            case SchemaKind.Enum:
                var types = JsonValueTypes.None;
                foreach (var v in s.Values)
                {
                    types |= TypeOf(v);
                }

                return types;
            case SchemaKind.Ref:
                // A cycle contributes no type.
                if (s.Target is not { } target || !visited.Add(target))
                {
                    return JsonValueTypes.None;
                }

                var result = ValueTypes(target, visited);
                visited.Remove(target);
                return result;
            case SchemaKind.AnyOf:
                var any = JsonValueTypes.None;
                foreach (var child in s.Children)
                {
                    any |= ValueTypes(child, visited);
                }

                return any;
            case SchemaKind.AllOf:
                var all = JsonValueTypes.All;
                foreach (var child in s.Children)
                {
                    all &= ValueTypes(child, visited);
                }

                return all;
            default:
                return JsonValueTypes.None;
        }
    }

    private static JsonValueTypes TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => JsonValueTypes.Null,
        JsonValueKind.True or JsonValueKind.False => JsonValueTypes.Boolean,
        JsonValueKind.Number => value.TryGetInt64(out _) ? JsonValueTypes.Integer : JsonValueTypes.Number,
        JsonValueKind.String => JsonValueTypes.String,
        JsonValueKind.Array => JsonValueTypes.Array,
        _ => JsonValueTypes.Object,
    };
}
