using System.Text;

namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// Deterministic text for the benchmarks (seeded, no committed data): prose with no marker characters, and
/// Python source whose JSON encoding is full of escapes, as a <c>write_file</c> call carries it.
/// </summary>
internal static class SyntheticText
{
    private static readonly string[] s_words =
    [
        "the", "model", "reads", "a", "file", "and", "writes", "its", "answer", "to", "user", "weather", "in", "Paris",
        "is", "sunny", "tomorrow", "request", "takes", "about", "seconds", "because", "cache", "was", "cold", "then",
        "warm", "again", "café", "naïve", "résumé", "東京", "データ", "—", "we", "should", "check", "whether", "every",
        "value", "fits", "budget", "of", "tokens", "so", "that", "nothing", "is", "lost", "when", "stream", "ends",
        "early", "42", "3.14", "2026", "x", "y", "z",
    ];

    private static readonly string[] s_punctuation = [". ", ", ", "; ", ": ", "? ", "! ", " (see note 7) ", " \"quoted\" ", ".\n", ".\n\n"];

    /// <summary>
    /// Prose of at least <paramref name="utf8Bytes"/> UTF-8 bytes (it ends at a word), with some non-ASCII text and none of
    /// the characters any family's markers start with (<c>&lt;</c>, <c>[</c>, <c>{</c>).
    /// </summary>
    /// <param name="utf8Bytes">The minimum size.</param>
    /// <param name="seed">Different seeds give different text.</param>
    /// <returns>The prose.</returns>
    public static string Prose(int utf8Bytes, int seed = 1)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(utf8Bytes + 64);
        int bytes = 0;
        bool capital = true;
        while (bytes < utf8Bytes)
        {
            string word = s_words[random.Next(s_words.Length)];
            if (capital && char.IsLower(word[0]))
            {
                word = char.ToUpperInvariant(word[0]) + word[1..];
            }

            string separator = random.Next(8) == 0 ? s_punctuation[random.Next(s_punctuation.Length)] : " ";
            capital = separator.Contains('.', StringComparison.Ordinal) || separator.Contains('?', StringComparison.Ordinal) || separator.Contains('!', StringComparison.Ordinal);
            sb.Append(word).Append(separator);
            bytes += Encoding.UTF8.GetByteCount(word) + separator.Length;
        }

        return sb.ToString();
    }

    /// <summary>
    /// Python source long enough that its JSON string encoding is at least <paramref name="jsonBytes"/> bytes: quotes,
    /// backslashes, tabs and newlines in every line, so a JSON reader decodes escapes all along.
    /// </summary>
    /// <param name="jsonBytes">The minimum size of the JSON-encoded string.</param>
    /// <returns>The source text (not encoded).</returns>
    public static string PythonSource(int jsonBytes)
    {
        var sb = new StringBuilder(jsonBytes);
        int encoded = 2;
        for (int i = 0; encoded < jsonBytes; i++)
        {
            string block = $$""""
                def handler_{{i}}(request, path="/api/v{{i % 7}}/items"):
                	"""Handle the "{{i}}" route; see docs\routes.md."""
                	pattern = re.compile(r"^\s*(\w+)\s*=\s*'([^']*)'$")
                	for line in request.text.split("\n"):
                		if match := pattern.match(line):
                			yield f"{match[1]}\t{match[2]!r}"  # tab-separated, C:\temp\out_{{i}}.tsv
                	return None


                """";
            sb.Append(block);
            encoded += JsonEncodedLength(block);
        }

        return sb.ToString();
    }

    /// <summary>Gets the length of <paramref name="text"/> once JSON-encoded (without the quotes).</summary>
    private static int JsonEncodedLength(string text)
    {
        int n = 0;
        foreach (char c in text)
        {
            n += c is '"' or '\\' or '\n' or '\t' or '\r' ? 2 : Encoding.UTF8.GetByteCount([c]);
        }

        return n;
    }
}
