namespace ToolLoop.Tests.Scenarios;

/// <summary>A backend's token counts for its client's most recent request, in one shape for <see cref="ChatClientScenarios"/>.</summary>
/// <param name="PromptTokens">Tokens in the last prompt.</param>
/// <param name="PromptTokensReused">Prompt tokens found in the cache and not evaluated again.</param>
/// <param name="PromptTokensDecoded">Prompt tokens evaluated for the last request.</param>
/// <param name="OutputTokens">Tokens generated (end-of-generation excluded).</param>
/// <param name="TotalTokensDecoded">Tokens evaluated by the client's session since it was created.</param>
public sealed record ScenarioStatistics(int PromptTokens, int PromptTokensReused, int PromptTokensDecoded, int OutputTokens, long TotalTokensDecoded);
