namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// The grammar of one request: GBNF text and its root, eager (from the first token) or lazy (dormant until a trigger),
/// with the trigger words (each becomes a trigger token when the vocabulary has it as one token, else a pattern) and
/// trigger patterns (ECMAScript regular expressions over the generated text; the grammar applies from the first
/// capture group).
/// </summary>
/// <param name="Gbnf">The grammar text.</param>
/// <param name="Root">The start rule.</param>
/// <param name="Lazy">Whether the grammar waits for a trigger.</param>
/// <param name="TriggerWords">Texts that wake a lazy grammar where they occur; the grammar's root starts with each.</param>
/// <param name="TriggerPatterns">Patterns that wake a lazy grammar (searched in the output; <c>^</c> anchors at its start).</param>
/// <param name="Warnings">What was not constrained as declared (an unsupported pattern, a schema that failed to convert).</param>
internal sealed record GrammarPlan(
    string Gbnf,
    string Root,
    bool Lazy,
    IReadOnlyList<string> TriggerWords,
    IReadOnlyList<string> TriggerPatterns,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The trigger pattern of a word that is not one token: the word itself, escaped. The llama.cpp of LLamaSharp
    /// 0.30.0 searches a pattern anywhere in the output and feeds the grammar from the match (from its first capture
    /// group when it has one); it runs the search again after every token while the grammar waits, so a pattern costs
    /// time linear in the output so far, and a plain word is the cheapest pattern (a <c>[\s\S]*?(…)</c> full-match
    /// form took three times as long). Trigger tokens cost nothing: prefer them.
    /// </summary>
    public static string WordPattern(string word)
    {
        var sb = new System.Text.StringBuilder(word.Length + 8);
        foreach (var c in word)
        {
            if ("\\^$.|?*+()[]{}/".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
