namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Context settings for a <see cref="LlamaSession"/>.</summary>
internal sealed record LlamaSessionOptions(int ContextSize, int BatchSize, int Threads, int BatchThreads);
