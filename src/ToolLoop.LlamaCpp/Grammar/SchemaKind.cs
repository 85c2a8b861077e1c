namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>What a <see cref="SchemaNode"/> describes (the subset of JSON Schema a grammar can express).</summary>
internal enum SchemaKind
{
    /// <summary>Any JSON value (<c>{}</c>, <c>true</c>, or only annotations).</summary>
    Any,

    /// <summary>A <c>$ref</c> into the same document.</summary>
    Ref,

    /// <summary><c>anyOf</c>/<c>oneOf</c>, or a <c>type</c> array expanded to one alternative per type.</summary>
    AnyOf,

    /// <summary><c>allOf</c>.</summary>
    AllOf,

    /// <summary><c>const</c>.</summary>
    Const,

    /// <summary><c>enum</c>.</summary>
    Enum,

    /// <summary><c>"type": "null"</c>.</summary>
    Null,

    /// <summary><c>"type": "boolean"</c>.</summary>
    Boolean,

    /// <summary><c>"type": "number"</c>.</summary>
    Number,

    /// <summary><c>"type": "integer"</c>, with inclusive bounds.</summary>
    Integer,

    /// <summary><c>"type": "string"</c>, with pattern, format and length.</summary>
    String,

    /// <summary>An array of one item schema, with item counts.</summary>
    Array,

    /// <summary>An array whose items are given one by one (<c>prefixItems</c>, or an <c>items</c> array).</summary>
    Tuple,

    /// <summary>An object with properties and, when allowed, additional properties.</summary>
    Object,
}
