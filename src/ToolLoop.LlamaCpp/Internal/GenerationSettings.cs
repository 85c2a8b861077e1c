namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Per-request generation settings, resolved from <c>ChatOptions</c> and the client options.</summary>
internal sealed record GenerationSettings(float? Temperature, float? TopP, int? TopK, long? Seed, int? MaxOutputTokens, IList<string>? StopSequences);
