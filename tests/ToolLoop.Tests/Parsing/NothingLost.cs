using System.Text;
using System.Text.Json;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// The "nothing lost" contract, checked on characters: every non-whitespace character of the input that is not part of
/// markup the family removes must come out, at least as often, in content, reasoning, a call (id, name, argument keys
/// and values) or a problem's raw text. Markup is named explicitly (see <see cref="FamilySample.Markup"/>), so the
/// checker says exactly what it allows to disappear; besides markup it ignores only JSON punctuation (<c>{}[]":,</c>),
/// which a call's arguments re-encode. Characters compare case-insensitively (tagged families turn <c>True</c> into
/// <c>true</c>), and JSON arguments come out decoded while tagged families keep backslashes raw, so a character counts
/// as kept when the output has it as often as the input read either way (escapes decoded or not).
/// </summary>
public static class NothingLost
{
    /// <summary>Control tokens every format strips (ParserCore's table).</summary>
    public static readonly string[] CommonMarkup = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_start|>"];

    public static void Check(string input, ToolCallParseResult result, IEnumerable<string> markup)
    {
        var missing = Missing(input, result, markup);
        if (missing.Count > 0)
        {
            Assert.Fail($"Lost {string.Join(", ", missing)} from input {JsonSerializer.Serialize(input)}; got {result.ToJson()}");
        }
    }

    public static List<string> Missing(string input, ToolCallParseResult result, IEnumerable<string> markup)
    {
        var markers = markup.Concat(CommonMarkup).Distinct().OrderByDescending(m => m.Length).ToArray();
        var byFirst = markers.GroupBy(m => m[0]).ToDictionary(g => g.Key, g => g.ToArray());

        string? HitAt(string text, int i)
            => byFirst.TryGetValue(text[i], out var candidates)
                ? Array.Find(candidates, m => string.CompareOrdinal(text, i, m, 0, m.Length) == 0)
                : null;

        // One pass, longest marker first at each position: markup becomes a space (it separates what it stood between).
        // Where two markers overlap, a parser may take either: the first one (laterEnd false), or the one that starts
        // inside it and ends after it (laterEnd true: Functionary's ">>>all\n" in ">>>>all\n", or after "\">").
        string Strip(string text, bool laterEnd)
        {
            var sb = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length;)
            {
                var hit = HitAt(text, i);
                if (hit is not null && laterEnd)
                {
                    for (var j = i + 1; j < i + hit.Length; j++)
                    {
                        if (HitAt(text, j) is { } inner && j + inner.Length > i + hit.Length)
                        {
                            // The overlapping marker wins: what comes before it is text.
                            sb.Append(text, i, j - i);
                            i = j;
                            hit = null;
                            break;
                        }
                    }

                    if (hit is null)
                    {
                        continue;
                    }
                }

                if (hit is null)
                {
                    sb.Append(text[i++]);
                }
                else
                {
                    sb.Append(' ');
                    i += hit.Length;
                }
            }

            return sb.ToString();
        }

        // A marker cut by the end of the output (a closing tag of a healed call, say) carries nothing: it may go. Where the
        // output ends, markup and a cut marker can overlap either way: shorter markup inside the cut marker (Gemma's
        // "call:" within a cut "</tool_call:") hides it when markup is stripped first, and a cut marker that is the end of
        // full markup (Functionary's ">>>" after "<|eot_id|>") breaks that markup when the cut marker goes first. Each
        // character is demanded as often as the more lenient reading leaves it; both only excuse the output's tail.
        Dictionary<string, int> StripAll(string text, bool laterEnd)
        {
            var markupFirst = Strip(text, laterEnd);
            var stripped = Count(markupFirst[..WithoutTrailingPartialMarker(markupFirst, markers)]);
            var cutFirst = Count(Strip(text[..WithoutTrailingPartialMarker(text, markers)], laterEnd));
            foreach (var key in stripped.Keys.ToList())
            {
                stripped[key] = Math.Min(stripped[key], cutFirst.GetValueOrDefault(key));
            }

            return stripped;
        }

        // Overlapping markers: each character is demanded as often as the more lenient of the two readings leaves it.
        Dictionary<string, int> Lenient(string text)
        {
            var first = StripAll(text, laterEnd: false);
            var later = StripAll(text, laterEnd: true);
            foreach (var key in first.Keys.ToList())
            {
                first[key] = Math.Min(first[key], later.GetValueOrDefault(key));
            }

            return first;
        }

        var raw = Lenient(input);
        var decoded = Lenient(DecodeEscapes(input));
        var output = new StringBuilder().Append(result.Content).Append(result.Reasoning);
        foreach (var p in result.Problems)
        {
            output.Append(p.RawText);
        }

        foreach (var c in result.Calls)
        {
            output.Append(c.Id).Append(c.Name);
            using var doc = JsonDocument.Parse(c.ArgumentsJson);
            AppendValues(doc.RootElement, output);
        }

        var have = Count(output.ToString());
        var missing = new List<string>();
        foreach (var (c, n) in raw)
        {
            var got = have.GetValueOrDefault(c);
            if (got < n && got < decoded.GetValueOrDefault(c))
            {
                missing.Add($"'{c}' ({n - got} of {n})");
            }
        }

        return missing;
    }

    private static int WithoutTrailingPartialMarker(string text, string[] markers)
    {
        var cut = text.Length;
        foreach (var m in markers)
        {
            for (var k = Math.Min(m.Length - 1, text.Length); k > 0; k--)
            {
                if (text.AsSpan().EndsWith(m.AsSpan(0, k)))
                {
                    cut = Math.Min(cut, text.Length - k);
                    break;
                }
            }
        }

        return cut;
    }

    private static string DecodeEscapes(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                sb.Append(text[i]);
                continue;
            }

            var c = text[++i];
            if (c == 'u' && i + 4 < text.Length && int.TryParse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
            {
                sb.Append((char)code);
                i += 4;
            }
            else
            {
                sb.Append(c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => c });
            }
        }

        return sb.ToString();
    }

    private static void AppendValues(JsonElement e, StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    sb.Append(p.Name);
                    AppendValues(p.Value, sb);
                }

                break;
            case JsonValueKind.Array:
                foreach (var x in e.EnumerateArray())
                {
                    AppendValues(x, sb);
                }

                break;
            case JsonValueKind.String:
                sb.Append(e.GetString());
                break;
            default:
                sb.Append(e.GetRawText());
                break;
        }
    }

    private static Dictionary<string, int> Count(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rune in text.ToLowerInvariant().EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || (rune.IsAscii && "{}[]\":,".Contains((char)rune.Value, StringComparison.Ordinal)))
            {
                continue;
            }

            var key = rune.ToString();
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }
}
