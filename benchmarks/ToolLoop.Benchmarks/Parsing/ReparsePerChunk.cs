using System.Text;
using System.Text.Json;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary>
/// Baseline for streaming: what servers do today (vLLM's tool parsers, llama-server's re-parse per token) — append the
/// chunk to the accumulated text, search the whole text for the call opener, and when one is there, run a JSON reader
/// over the candidate from the opener to its closer (or the end). The cost of each chunk grows with the text, so the
/// whole stream costs the square of its length.
/// </summary>
/// <remarks>
/// Kept as cheap as that approach can be, so the comparison flatters the baseline: no string is allocated per chunk
/// (the text accumulates in one buffer sized up front), the JSON is only tokenized (no values are materialised), and
/// <see cref="Utf8JsonReader"/> stops without an exception at the end of a partial document (only the few chunks in
/// which the closer arrives end in one).
/// </remarks>
internal sealed class ReparsePerChunk
{
    private readonly string _opener;
    private readonly string _closer;
    private readonly char[] _text;
    private readonly byte[] _utf8;

    public ReparsePerChunk(string opener, string closer, int maxChars)
    {
        _opener = opener;
        _closer = closer;
        _text = new char[maxChars];
        _utf8 = new byte[Encoding.UTF8.GetMaxByteCount(maxChars)];
    }

    /// <summary>Streams <paramref name="text"/> in <paramref name="chunkSize"/>-char chunks; returns the JSON tokens read over all chunks.</summary>
    public long Run(string text, int chunkSize)
    {
        long tokens = 0;
        int length = 0;
        for (int i = 0; i < text.Length; i += chunkSize)
        {
            int n = Math.Min(chunkSize, text.Length - i);
            text.AsSpan(i, n).CopyTo(_text.AsSpan(length));
            length += n;
            tokens += ParseAccumulated(_text.AsSpan(0, length));
        }

        return tokens;
    }

    private long ParseAccumulated(ReadOnlySpan<char> current)
    {
        int open = current.IndexOf(_opener, StringComparison.Ordinal);
        if (open < 0)
        {
            return 0;
        }

        var rest = current[(open + _opener.Length)..];
        int close = rest.IndexOf(_closer, StringComparison.Ordinal);
        var candidate = close >= 0 ? rest[..close] : rest;
        int bytes = Encoding.UTF8.GetBytes(candidate, _utf8);
        var reader = new Utf8JsonReader(_utf8.AsSpan(0, bytes), isFinalBlock: close >= 0, state: default);
        long tokens = 0;
        try
        {
            while (reader.Read())
            {
                tokens++;
            }
        }
        catch (JsonException)
        {
            // The closer is arriving ("\n</tool_ca"): the JSON value is complete and the rest is not JSON yet.
        }

        return tokens;
    }
}
