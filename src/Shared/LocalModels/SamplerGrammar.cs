namespace ToolLoop.LocalModels;

/// <summary>
/// A GBNF grammar (llama.cpp's grammar format) that constrains which tokens can be sampled. An eager grammar
/// constrains from the first token; a lazy one lets the model write freely until a trigger appears (a token in
/// <see cref="TriggerTokens"/>, or text matching one of <see cref="TriggerPatterns"/>), then constrains the rest.
/// </summary>
/// <param name="Gbnf">The grammar text.</param>
/// <param name="Root">The start rule; default <c>root</c>.</param>
/// <param name="Lazy">True: dormant until a trigger; false: active from the first token (triggers ignored).</param>
/// <param name="TriggerPatterns">Regular expressions (ECMAScript, as llama.cpp's <c>std::regex</c>) over the generated text that wake a lazy grammar; the grammar then applies from the match's first capture group (or the whole match) on.</param>
/// <param name="TriggerTokens">Token ids that wake a lazy grammar; the grammar then applies from that token on.</param>
internal sealed record SamplerGrammar(
    string Gbnf,
    string Root = "root",
    bool Lazy = false,
    IReadOnlyList<string>? TriggerPatterns = null,
    IReadOnlyList<int>? TriggerTokens = null);
