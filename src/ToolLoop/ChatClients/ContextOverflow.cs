namespace ToolLoop;

/// <summary>
/// Recognises the errors an inner client raises when the prompt is longer than the model's context, for
/// <see cref="ToolLoopOptions.IsContextOverflow"/> (feature 37).
/// </summary>
/// <remarks>
/// There is no common exception type for this across providers, so the check reads the exception and its inner
/// exceptions: an adapter that sets <c>Exception.Data[</c><see cref="DataKey"/><c>] = true</c> is recognised exactly;
/// otherwise the message is matched against the wording of the servers ToolLoop meets (OpenAI and Azure OpenAI
/// <c>context_length_exceeded</c>, vLLM's "maximum context length", llama.cpp server's "exceeds the available context
/// size", Anthropic's "prompt is too long", ToolLoop.LlamaCpp's "the context holds" / "The context is full").
/// Thread-safe.
/// </remarks>
public static class ContextOverflow
{
    /// <summary>The <see cref="Exception.Data"/> key an adapter sets to <see langword="true"/> on a context-overflow exception.</summary>
    public const string DataKey = "toolloop.context_overflow";

    private static readonly string[] s_phrases =
    [
        "context_length_exceeded",
        "maximum context length",
        "context length exceeded",
        "exceeds the available context size",
        "exceed_context_size_error",
        "exceeds the context window",
        "prompt is too long",
        "too many tokens in the prompt",
        "but the context holds",
        "the context is full",
        "input is too long for the model",
    ];

    /// <summary>Whether <paramref name="exception"/> (or one of its inner exceptions) reports a prompt too long for the model's context.</summary>
    /// <param name="exception">The exception the inner client threw.</param>
    /// <returns><see langword="true"/> for a context overflow.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static bool IsContextOverflow(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return false;
            }

            if (e.Data.Contains(DataKey) && e.Data[DataKey] is true)
            {
                return true;
            }

            foreach (var phrase in s_phrases)
            {
                if (e.Message.Contains(phrase, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            if (e is AggregateException { InnerExceptions.Count: > 1 } aggregate)
            {
                return aggregate.InnerExceptions.Any(IsContextOverflow);
            }
        }

        return false;
    }
}
