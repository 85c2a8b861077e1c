namespace ToolLoop;

/// <summary>
/// The JSON value types a schema allows or produces: the one set behind the loop's argument checks
/// (<c>ToolSchemaValidator</c>) and llama.cpp's grammar builder. Compiled into each library that uses it (an
/// internal type, so no package depends on another's internals).
/// </summary>
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
