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
/// <param name="TriggerPatterns">Patterns that wake a lazy grammar, in the full-match form <c>^…(…)…$</c>.</param>
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
    /// The trigger pattern of a word that is not one token: the word anywhere in the output, the grammar fed from it.
    /// Written as a full match (<c>^…$</c>), which llama.cpp reads the same way in the releases that match patterns
    /// against the whole output and in those that search.
    /// </summary>
    public static string WordPattern(string word)
    {
        var sb = new System.Text.StringBuilder("^[\\s\\S]*?(");
        foreach (var c in word)
        {
            if ("\\^$.|?*+()[]{}/".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append(")[\\s\\S]*$").ToString();
    }
}
