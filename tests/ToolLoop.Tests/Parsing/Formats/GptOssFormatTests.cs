namespace ToolLoop.Tests.Parsing;

/// <summary>gpt-oss harmony headers (formats.md 9.1): the rules, on inputs the fixtures do not hold.</summary>
public sealed class GptOssFormatTests
{
    private static readonly ToolCallParserOptions s_options = new() { Tools = [new DeclaredTool("f")] };

    private static ToolCallParseResult Parse(string text)
    {
        var whole = ToolCallParser.Parse(text, ToolCallFormat.GptOss, s_options);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, ToolCallFormat.GptOss, s_options), "char by char");
        return whole;
    }

    [Theory]
    [InlineData("<|channel|>commentar<|channel|>analysis<b>x</b>", "commentar")]
    [InlineData("<|channel|>final to=assistant<|channel|>final (more)", "to=assistant")]
    [InlineData("<|start|>user<|channel|>final+", "user")]
    [InlineData("<|channel|>a<|channel|>b<|channel|>c!", "a")]

    // A superseded header in words that are not harmony's is no header: only harmony's own words are dropped.
    [InlineData("<|channel|>x<|channel|>y<|channel|>final<|message|>Done.", "x<|channel|>y")]
    public void A_header_superseded_by_a_header_that_is_not_one_keeps_its_words(string text, string words)
    {
        var r = Parse(text);
        Assert.Empty(r.Calls);
        Assert.Contains(words, r.Content + string.Concat(r.Problems.Select(p => p.RawText)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<|channel|>commentary to=assistant<|channel|>final<|message|>Done.", "Done.", "")]
    [InlineData("<|channel|>commentary<|channel|>analysis<|channel|>final<|message|>Done.", "Done.", "")]
    [InlineData("<|start|>assistant<|channel|>analysis<|message|>think<|end|>Done.", "Done.", "think")]
    public void A_header_superseded_by_a_real_header_is_markup(string text, string content, string reasoning)
    {
        var r = Parse(text);
        Assert.Equal(content, r.Content);
        Assert.Equal(reasoning, r.Reasoning);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void A_superseded_header_before_a_call_header_leaves_the_call()
    {
        var r = Parse("<|channel|>commentary<|channel|>commentary to=functions.f json<|message|>{\"a\":1}<|call|>");
        var call = Assert.Single(r.Calls);
        Assert.Equal("f", call.Name);
        Assert.Equal("""{"a":1}""", call.ArgumentsJson);
        Assert.Equal("", r.Content);
    }

    [Theory]
    [InlineData("<|start|> to=functions.")]
    [InlineData("<|start|>  assistant to=functions.f<|channel|>  commentary  json<|message|>{}")]
    [InlineData("<|channel|>  final<|message|>hi")]
    public void Whitespace_before_a_header_word_reads_the_same_however_chunked(string text)
    {
        foreach (var size in (int[])[1, 2, 3, 5, 9, 10, 11])
        {
            Chunking.AssertSame(ToolCallParser.Parse(text, ToolCallFormat.GptOss, s_options), Chunking.ParseChars(text, size, ToolCallFormat.GptOss, s_options), $"chunks of {size}");
        }
    }

    /// <summary>
    /// A chain of superseded headers whose last word runs to the end of the output, around the header length cap: the cap
    /// decides the same whether the last word came in one piece or in many (fuzz 6/4/19258, 3/7/10389).
    /// </summary>
    [Theory]
    [InlineData(ToolCallFormat.GptOss)]
    [InlineData(ToolCallFormat.Auto)]
    public void A_header_chain_at_the_length_cap_reads_the_same_on_every_entry(ToolCallFormat format)
    {
        foreach (var channel in (string[])["commentary", "analysis"])
        {
            for (var tail = 0; tail < 60; tail += 3)
            {
                var text = "x" + string.Concat(Enumerable.Repeat("<|channel|>" + channel, 24)) + new string('1', tail);
                Chunking.ParseOnEveryEntry(text, format, s_options);
            }
        }
    }

    /// <summary>
    /// A header that addresses no tool is dropped, so only harmony's own words may be in it: another role, a missing or
    /// unknown channel, or a content type that is not ASCII make it text (fuzz 5/4/4445 lost the CJK character).
    /// </summary>
    [Theory]
    [InlineData("<|start|>assistantrecall: \u7DB1<|message|>x:1", "\u7DB1")]
    [InlineData("<|start|>assistant<|channel|>final \u7DB1<|message|>x:1", "\u7DB1")]
    [InlineData("<|start|>user<|channel|>final<|message|>x:1", "user")]
    [InlineData("<|channel|>answer<|message|>x:1", "answer")]
    [InlineData("<|start|>assistant to=functions.f<|channel|>commentar<|message|>x:1", "commentar")]
    public void A_header_in_words_that_are_not_harmony_s_keeps_them(string escaped, string word)
    {
        var text = System.Text.RegularExpressions.Regex.Unescape(escaped);
        word = System.Text.RegularExpressions.Regex.Unescape(word);
        foreach (var format in (ToolCallFormat[])[ToolCallFormat.GptOss, ToolCallFormat.Auto])
        {
            var r = Chunking.ParseOnEveryEntry(text, format, s_options);
            Assert.Contains(word, r.Content + string.Concat(r.Problems.Select(p => p.RawText)), StringComparison.Ordinal);
            Assert.Contains("x:1", r.Content, StringComparison.Ordinal);
        }
    }
}
