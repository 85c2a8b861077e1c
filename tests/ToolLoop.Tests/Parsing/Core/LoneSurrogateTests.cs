using System.Text;
using System.Text.Json;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Lone surrogates in string input are treated like invalid UTF-8: they become U+FFFD wherever they stand (content,
/// reasoning, names, keys, values, raw text), a pair split across chunks is kept, and nothing throws.
/// </summary>
public sealed class LoneSurrogateTests
{
    public static TheoryData<string> Keys() => FamilySamples.Keys();

    [Theory]
    [MemberData(nameof(Keys))]
    public void Lone_surrogates_anywhere_become_replacement_characters(string key)
    {
        var s = FamilySamples.Get(key);
        const string args = """{"text": "a\uD800b"}""";
        var text = "Hi \uDC00 there " + s.Call("echo", """{"text": "a?b"}""").Replace("a?b", "a\uD800b", StringComparison.Ordinal) + " bye \uD83D";
        var options = FamilySample.OptionsFor(("echo", args));
        var r = ToolCallParser.Parse(text, s.Format, options);
        AssertValid(r);
        Assert.Equal("Hi \uFFFD therebye \uFFFD", r.Content);
        var call = Assert.Single(r.Calls);
        Assert.Equal("a\uFFFDb", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("text").GetString());

        // The same, one char at a time: every surrogate is decided only once its neighbour is known.
        Chunking.AssertSame(r, Chunking.ParseChars(text, 1, s.Format, options), "char by char");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_surrogate_pair_split_across_appends_is_kept(string key)
    {
        var s = FamilySamples.Get(key);
        var text = "Smile 😀 " + s.Call("echo", """{"text": "😀"}""") + " 😀";
        var r = Chunking.ParseChars(text, 1, s.Format, FamilySample.OptionsFor(("echo", """{"text": "x"}""")));
        Assert.Equal("Smile 😀😀", r.Content);
        Assert.Equal("😀", JsonDocument.Parse(Assert.Single(r.Calls).ArgumentsJson).RootElement.GetProperty("text").GetString());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Problems_with_lone_surrogates_write_as_json(string key)
    {
        var s = FamilySamples.Get(key);
        var full = s.Call("get_weather", """{"city": "Paris is lovely"}""");
        var text = full[..full.IndexOf("lovely", StringComparison.Ordinal)].Replace("Paris", "Par\uDBFF", StringComparison.Ordinal);
        var r = ToolCallParser.Parse(text, s.Format, FamilySample.OptionsFor(("get_weather", """{"city": "x"}""")));
        AssertValid(r);
        Assert.NotEmpty(r.Problems);
    }

    private static void AssertValid(ToolCallParseResult r)
    {
        // Serialising must not throw, and no text may keep a lone surrogate.
        var json = r.ToJson();
        Assert.True(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(json)) == json, "the JSON is not valid UTF-16");
        foreach (var t in new[] { r.Content, r.Reasoning }.Concat(r.Problems.Select(p => p.RawText + p.ToolName + p.RawArguments)).Concat(r.Calls.Select(c => c.Name + c.ArgumentsJson)))
        {
            for (var i = 0; i < t.Length; i++)
            {
                if (char.IsHighSurrogate(t[i]) && i + 1 < t.Length && char.IsLowSurrogate(t[i + 1]))
                {
                    i++;
                }
                else
                {
                    Assert.False(char.IsSurrogate(t[i]), $"lone surrogate at {i} in {t}");
                }
            }
        }
    }
}
