namespace ToolLoop.Benchmarks.Adapters;

/// <summary>An adapter client's token counts (its statistics, either runtime's).</summary>
/// <param name="PromptTokens">Tokens in the last prompt.</param>
/// <param name="PromptTokensDecoded">Prompt tokens the last request evaluated (not reused from the cache).</param>
/// <param name="OutputTokens">Tokens the last request generated.</param>
/// <param name="TotalTokensDecoded">Tokens the client evaluated since it was created.</param>
internal readonly record struct ClientTokens(int PromptTokens, int PromptTokensDecoded, int OutputTokens, long TotalTokensDecoded);
