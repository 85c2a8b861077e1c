namespace ToolLoop;

/// <summary>
/// A chat template could not be parsed or rendered: a syntax error, a call to
/// <c>raise_exception</c>, an undefined value used where a value is required, a type error in an
/// expression, or a cap (loop iterations, output size, recursion depth) being reached.
/// </summary>
/// <remarks>
/// <see cref="Line"/> and <see cref="Column"/> are 1-based positions in the template source (after
/// the newline normalisation Jinja applies) of the construct that failed; 0 when unknown.
/// </remarks>
public sealed class TemplateException : Exception
{
    /// <summary>Creates an exception with a message and no position.</summary>
    public TemplateException() : this("The chat template failed.")
    {
    }

    /// <summary>Creates an exception with a message and no position.</summary>
    /// <param name="message">What went wrong.</param>
    public TemplateException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a message, no position, and an inner exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a message and the position of the failing construct.</summary>
    /// <param name="message">What went wrong, without the position.</param>
    /// <param name="line">1-based line, or 0 when unknown.</param>
    /// <param name="column">1-based column, or 0 when unknown.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TemplateException(string message, int line, int column, Exception? innerException = null)
        : base(line > 0 ? $"{message} (line {line}, column {column})" : message, innerException)
    {
        Line = line;
        Column = column;
        TemplateMessage = message;
    }

    /// <summary>1-based line of the construct that failed; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the construct that failed; 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message without the position suffix (for <c>raise_exception</c>, the template's own message).</summary>
    public string? TemplateMessage { get; }
}
