namespace ToolLoop.TinyModels;

/// <summary>
/// A runner-up continuation of a script: after the scripted token <paramref name="After"/>, the tokens of
/// <paramref name="Tokens"/> (new normal tokens, chained) are the model's second choice, and the last of them leads back
/// to the scripted token <paramref name="Rejoin"/>. Unconstrained, the script wins by a wide margin; a grammar that masks
/// the scripted choice makes the model take the detour.
/// </summary>
/// <param name="After">A scripted token.</param>
/// <param name="Tokens">The detour's tokens.</param>
/// <param name="Rejoin">A scripted token that follows the detour.</param>
internal sealed record ScriptDetour(string After, IReadOnlyList<string> Tokens, string Rejoin);
