namespace ToolLoop;

/// <summary>A template error raised while evaluating (Python's TypeError, UndefinedError, TemplateError
/// from raise_exception, ...). The interpreter adds the position and turns it into a
/// <see cref="TemplateException"/> at the public boundary.</summary>
internal sealed class JinjaRuntimeException : Exception
{
    public JinjaRuntimeException()
    {
    }

    public JinjaRuntimeException(string message) : base(message)
    {
    }

    public JinjaRuntimeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Offset in the normalised source of the innermost node being evaluated; -1 until known.</summary>
    public int Position { get; set; } = -1;
}
