namespace ToolLoop.LlamaCpp;

/// <summary>
/// A failure reported by llama.cpp or by loading its native libraries. <see cref="NativeLog"/> carries
/// the lines llama.cpp logged during the failed operation, which usually name the actual cause
/// (for example <c>key not found in model: llama.context_length</c>).
/// </summary>
public sealed class LlamaCppException : Exception
{
    /// <summary>Creates an exception with no native log.</summary>
    public LlamaCppException()
        : this("llama.cpp failed.")
    {
    }

    /// <summary>Creates an exception with a message and no native log.</summary>
    /// <param name="message">What failed.</param>
    public LlamaCppException(string message)
        : this(message, null, null, null)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LlamaCppException(string message, Exception innerException)
        : this(message, null, null, innerException)
    {
    }

    /// <summary>Creates an exception carrying llama.cpp's log and the library paths that were tried.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="nativeLog">Lines llama.cpp logged during the failed operation; <see langword="null"/> for none.</param>
    /// <param name="probedPaths">Native library paths tried, in order; <see langword="null"/> for none.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public LlamaCppException(string message, IReadOnlyList<string>? nativeLog, IReadOnlyList<string>? probedPaths, Exception? innerException = null)
        : base(Compose(message, nativeLog), innerException)
    {
        NativeLog = nativeLog ?? [];
        ProbedPaths = probedPaths ?? [];
    }

    /// <summary>Lines llama.cpp logged during the failed operation (empty if none were captured).</summary>
    public IReadOnlyList<string> NativeLog { get; }

    /// <summary>Native library paths tried, in order, when the failure is about loading the libraries (empty otherwise).</summary>
    public IReadOnlyList<string> ProbedPaths { get; }

    private static string Compose(string message, IReadOnlyList<string>? nativeLog)
    {
        if (nativeLog is null || nativeLog.Count == 0)
        {
            return message;
        }

        // The last lines are the ones that explain the failure; keep the message bounded.
        const int MaxLines = 12;
        IEnumerable<string> lines = nativeLog.Count > MaxLines ? nativeLog.Skip(nativeLog.Count - MaxLines) : nativeLog;
        return message + Environment.NewLine + "llama.cpp log:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", lines);
    }
}
