namespace ToolLoop.Cli.Chat;

/// <summary>What <c>chat</c> and <c>demo</c> pass to the adapter that loads a model.</summary>
internal sealed record LocalModelSettings
{
    /// <summary>Context size in tokens; <see langword="null"/> for the adapter's default.</summary>
    public int? ContextSize { get; init; }

    /// <summary>Generation threads (llama.cpp); <see langword="null"/> for the adapter's default.</summary>
    public int? Threads { get; init; }

    /// <summary>The tool-call family; <see langword="null"/> to detect it from the chat template.</summary>
    public ToolCallFormat? Format { get; init; }
}
