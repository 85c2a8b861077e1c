namespace ToolLoop.LocalModels;

/// <summary>Token counts of a pipeline's most recent request and its session's running total (mapped to each adapter's public statistics type).</summary>
internal sealed record LocalStatistics(int PromptTokens, int PromptTokensReused, int PromptTokensDecoded, int OutputTokens, long TotalTokensDecoded);
