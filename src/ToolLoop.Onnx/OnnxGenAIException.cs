namespace ToolLoop.Onnx;

/// <summary>
/// A failure of an <see cref="OnnxGenAIChatClient"/>: a missing or broken model folder, a missing native library,
/// a model ONNX Runtime GenAI rejects, a chat template that fails, a prompt that does not fit, or a runtime error.
/// The message names the cause (GenAI's own message included) and what to do; <see cref="Kind"/> classifies it and
/// <see cref="NativeLog"/> carries GenAI's own error text and the lines it logged during the failed call (those only
/// when a logger is configured).
/// </summary>
public sealed class OnnxGenAIException : Exception
{
    /// <summary>Creates an exception of kind <see cref="OnnxGenAIErrorKind.Runtime"/>.</summary>
    public OnnxGenAIException()
        : this("ONNX Runtime GenAI failed.")
    {
    }

    /// <summary>Creates an exception of kind <see cref="OnnxGenAIErrorKind.Runtime"/>.</summary>
    /// <param name="message">What failed.</param>
    public OnnxGenAIException(string message)
        : this(message, OnnxGenAIErrorKind.Runtime)
    {
    }

    /// <summary>Creates an exception of kind <see cref="OnnxGenAIErrorKind.Runtime"/> with an inner exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public OnnxGenAIException(string message, Exception innerException)
        : this(message, OnnxGenAIErrorKind.Runtime, innerException)
    {
    }

    /// <summary>Creates an exception of a given kind.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="kind">What the failure is about.</param>
    /// <param name="innerException">The underlying failure (for example GenAI's <c>OnnxRuntimeGenAIException</c>), if any.</param>
    /// <param name="nativeLog">GenAI's error text, then the lines it logged during the failed call; <see langword="null"/> for none. The message should already contain the error text; the logged lines are appended to it.</param>
    public OnnxGenAIException(string message, OnnxGenAIErrorKind kind, Exception? innerException = null, IReadOnlyList<string>? nativeLog = null)
        : base(Compose(message, nativeLog is { Count: > 1 } ? nativeLog.Skip(1).ToList() : null), innerException)
    {
        Kind = kind;
        NativeLog = nativeLog ?? [];
    }

    /// <summary>What the failure is about.</summary>
    public OnnxGenAIErrorKind Kind { get; }

    /// <summary>ONNX Runtime GenAI's error text, then the lines it logged during the failed call (empty when the failure is not GenAI's).</summary>
    public IReadOnlyList<string> NativeLog { get; }

    private static string Compose(string message, List<string>? nativeLog)
    {
        if (nativeLog is null || nativeLog.Count == 0)
        {
            return message;
        }

        const int MaxLines = 12;
        IEnumerable<string> lines = nativeLog.Count > MaxLines ? nativeLog.Skip(nativeLog.Count - MaxLines) : nativeLog;
        return message + Environment.NewLine + "ONNX Runtime GenAI log:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", lines);
    }
}
