namespace ToolLoop.Tests.Parsing;

/// <summary>The nothing-lost checker itself: it excuses a marker cut by the end of the output, and nothing else.</summary>
public sealed class NothingLostTests
{
    // Seed 1, shard 5, input 18393 of the random-input suite (shortened): a Hunyuan call cut inside its closer, where
    // "call:" (Gemma's bare opener, markup too) sits inside the cut "</tool_call:".
    private const string Input = "Hi <tool_calls:opensource>\n<tool_call:opensource>mcp.search<tool_sep:opensource>\n</tool_call:";
    private static readonly string[] s_markup = [.. FamilySamples.Families.SelectMany(f => f.Markup).Concat(RandomInputs.AllMarkers).Distinct()];

    private static ToolCallParseResult Result(string content, string name)
        => new(content, string.Empty, name.Length > 0 ? [new ParsedToolCall("call_0", name, "{}", true, ToolCallFormat.Hunyuan)] : [], []);

    [Fact]
    public void A_cut_closer_holding_other_markup_may_go()
    {
        Assert.Empty(NothingLost.Missing(Input, Result("Hi", "mcp.search"), s_markup));
        Assert.Empty(NothingLost.Missing(Input, ToolCallParser.Parse(Input, ToolCallFormat.Hunyuan, new ToolCallParserOptions { Tools = [new DeclaredTool("mcp.search")] }), s_markup));
    }

    [Theory]
    [InlineData("Hi", "")]
    [InlineData("", "mcp.search")]
    [InlineData("Hi", "mcp.searc")]
    public void Text_before_the_cut_closer_is_still_demanded(string content, string name)
        => Assert.NotEmpty(NothingLost.Missing(Input, Result(content, name), s_markup));

    [Fact]
    public void Text_inside_a_cut_marker_that_is_not_at_the_end_is_demanded()
    {
        // The same cut closer followed by more text is not cut by the end of the output: it must come out.
        const string input = "<tool_calls:opensource>\n<tool_call:opensource>f<tool_sep:opensource>\n</tool_call: tail";
        Assert.NotEmpty(NothingLost.Missing(input, Result("tail", "f"), s_markup));
        Assert.Empty(NothingLost.Missing(input, Result("</tool_call: tail", "f"), s_markup));
    }

    // Seed 5/4/8284 and 6/7/4471 (shortened): ">>>all\n" overlapping the ">>>" before it, or a "\">" before it. Functionary
    // reads the recipient marker that is followed by "all\n"; the checker excuses either reading of an overlap.
    [Theory]
    [InlineData("<b>>>>>all\nHello!")]
    [InlineData("x \"\\ud800\">>>all\nHello!")]
    public void Overlapping_markers_may_be_read_either_way(string input)
    {
        Assert.Empty(NothingLost.Missing(input, ToolCallParser.Parse(input, ToolCallFormat.Functionary, new ToolCallParserOptions { Tools = [new DeclaredTool("f")] }), s_markup));
        Assert.Empty(NothingLost.Missing(input, ToolCallParser.Parse(input, ToolCallFormat.Functionary), s_markup));
    }

    [Theory]
    [InlineData("<b>>>>>all\nHello!", "<b>")]
    [InlineData("<b>>>>>all\nHello!", "<b>Hello")]
    [InlineData("<b>>>>>all\nHello!", "b>Hello")]
    [InlineData("x \"\\ud800\">>>all\nHello!", "x \"\\ud800\"")]
    [InlineData("x \"\\ud800\">>>all\nHello!", " \"\\ud800\"Hello!")]
    public void Text_around_overlapping_markers_is_still_demanded(string input, string content)
        => Assert.NotEmpty(NothingLost.Missing(input, Result(content, ""), s_markup));
}
