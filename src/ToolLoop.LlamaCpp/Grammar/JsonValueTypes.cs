namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>The JSON value types a schema may produce.</summary>
[Flags]
internal enum JsonValueTypes
{
    /// <summary>No value at all.</summary>
    None = 0,

    /// <summary><c>null</c>.</summary>
    Null = 1,

    /// <summary><c>true</c>/<c>false</c>.</summary>
    Boolean = 2,

    /// <summary>A number that is not an integer.</summary>
    Number = 4,

    /// <summary>An integer.</summary>
    Integer = 8,

    /// <summary>A string.</summary>
    String = 16,

    /// <summary>An array.</summary>
    Array = 32,

    /// <summary>An object.</summary>
    Object = 64,

    /// <summary>Every type.</summary>
    All = Null | Boolean | Number | Integer | String | Array | Object,
}
