namespace ToolLoop.LocalModels;

/// <summary>
/// Per-request generation settings, resolved from <c>ChatOptions</c> and the client options. A runtime reads the
/// sampling part when it creates the request's sampler (<see cref="ILocalSession.CreateSampler"/>); the pipeline
/// applies <see cref="MaxOutputTokens"/> and <see cref="StopSequences"/> itself.
/// </summary>
/// <param name="Temperature">Null or &lt;= 0: greedy decoding.</param>
/// <param name="TopP">Used when in (0, 1) and sampling.</param>
/// <param name="TopK">Used when &gt; 0 and sampling.</param>
/// <param name="Seed">The sampler's seed; null: random.</param>
/// <param name="MaxOutputTokens">Null: until an end-of-generation token or a full context.</param>
/// <param name="StopSequences">Text at which generation ends (never emitted, even partially).</param>
/// <param name="Grammar">A grammar that constrains sampling; null for none.</param>
internal sealed record GenerationSettings(
    float? Temperature,
    float? TopP,
    int? TopK,
    long? Seed,
    int? MaxOutputTokens,
    IList<string>? StopSequences,
    SamplerGrammar? Grammar = null);
