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
    public void A_header_superseded_by_a_header_that_is_not_one_keeps_its_words(string text, string words)
    {
        var r = Parse(text);
        Assert.Empty(r.Calls);
        Assert.Contains(words, r.Content + string.Concat(r.Problems.Select(p => p.RawText)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<|channel|>commentary to=assistant<|channel|>final<|message|>Done.", "Done.", "")]
    [InlineData("<|channel|>x<|channel|>y<|channel|>final<|message|>Done.", "Done.", "")]
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
}
