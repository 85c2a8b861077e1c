namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>A JSON Schema outside the subset a grammar can express, or an invalid one (a bad <c>$ref</c>, an invalid pattern).</summary>
internal sealed class SchemaConversionException : Exception
{
    public SchemaConversionException()
    {
    }

    public SchemaConversionException(string message)
        : base(message)
    {
    }

    public SchemaConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
