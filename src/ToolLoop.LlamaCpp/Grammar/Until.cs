using System.Globalization;
using System.Text;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// GBNF for "any text up to and including the first occurrence of a delimiter": the states of the delimiter's KMP
/// automaton as rules, so the text never contains the delimiter before its end (what a parser that stops at the
/// first occurrence reads back).
/// </summary>
internal static class Until
{
    /// <summary>Adds the rules under <paramref name="baseName"/> and returns the entry rule's name.</summary>
    public static string AddIncluding(SchemaGrammarConverter converter, string baseName, string delimiter)
    {
        var d = delimiter.EnumerateRunes().Select(r => r.Value).ToArray();
        if (d.Length == 0)
        {
            throw new ArgumentException("The delimiter is empty.", nameof(delimiter));
        }

        // KMP failure function.
        var fail = new int[d.Length];
        for (int i = 1, k = 0; i < d.Length; i++)
        {
            while (k > 0 && d[i] != d[k])
            {
                k = fail[k - 1];
            }

            if (d[i] == d[k])
            {
                k++;
            }

            fail[i] = k;
        }

        int Next(int state, int c)
        {
            while (state > 0 && d[state] != c)
            {
                state = fail[state - 1];
            }

            return d[state] == c ? state + 1 : 0;
        }

        var alphabet = d.Distinct().Order().ToArray();
        string State(int i) => baseName + "-" + i.ToString(CultureInfo.InvariantCulture);
        var others = Gbnf.CharClass(CodePointSet.Complement(CodePointSet.Normalize(alphabet.Select(c => (c, c)))));
        for (var i = 0; i < d.Length; i++)
        {
            var alternatives = new List<string> { others + " " + State(0) };
            foreach (var c in alphabet)
            {
                var next = Next(i, c);
                var literal = new StringBuilder("\"");
                Gbnf.AppendLiteralRune(literal, c);
                literal.Append('"');
                alternatives.Add(next == d.Length ? literal.ToString() : literal + " " + State(next));
            }

            var added = converter.AddRule(State(i), string.Join(" | ", alternatives));
            if (added != State(i))
            {
                throw new InvalidOperationException($"The rule name {State(i)} is taken.");
            }
        }

        return State(0);
    }
}
