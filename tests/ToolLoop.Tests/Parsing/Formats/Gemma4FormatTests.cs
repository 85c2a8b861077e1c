namespace ToolLoop.Tests.Parsing;

/// <summary>Gemma 4's bare form and bare values (formats.md 5.2): the rules, on inputs the fixtures do not hold.</summary>
public sealed class Gemma4FormatTests
{
    private static readonly ToolCallParserOptions s_options = new() { Tools = [new DeclaredTool("note"), new DeclaredTool("get_weather")] };

    private static ToolCallParseResult Parse(string text)
    {
        var whole = ToolCallParser.Parse(text, ToolCallFormat.Gemma4, s_options);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, ToolCallFormat.Gemma4, s_options), "char by char");
        return whole;
    }

    [Theory]
    [InlineData("As documented, call:note{text:x} writes a note.")]
    [InlineData("See (call:note{text:x}).")]
    [InlineData("recall:note{text:x}")]
    public void A_bare_call_that_is_not_anchored_is_text(string text)
    {
        var r = Parse(text);
        Assert.Empty(r.Calls);
        Assert.Equal(text, r.Content);
    }

    [Fact]
    public void A_bare_call_after_spaces_at_the_start_of_a_line_is_a_call_and_the_prose_stays()
    {
        var r = Parse("Sure.\n  \tcall:note{text:a, b: c,path:x}\nDone.");
        Assert.Equal("""{"text":"a","b":"c","path":"x"}""", Assert.Single(r.Calls).ArgumentsJson);
        Assert.Equal("Sure.Done.", r.Content);
    }

    [Fact]
    public void A_bare_call_is_not_read_after_a_wrapped_one()
    {
        var r = Parse("<|tool_call>call:note{text:<|\"|>a<|\"|>}<tool_call|>\ncall:note{text:b}");
        Assert.Equal("""{"text":"a"}""", Assert.Single(r.Calls).ArgumentsJson);
        Assert.Contains("call:note{text:b}", r.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_bare_call_is_a_truncated_problem_with_its_name()
    {
        var r = Parse("call:note{text:half a");
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Truncated, problem.Kind);
        Assert.Equal("note", problem.ToolName);
    }

    [Fact]
    public void Bare_nesting_deeper_than_the_cap_is_a_problem_not_a_crash()
    {
        var depth = 5_000;
        var text = "call:note{a:" + string.Concat(Enumerable.Repeat("{a:", depth)) + "1" + new string('}', depth + 1);
        var r = ToolCallParser.Parse(text, ToolCallFormat.Gemma4, s_options);
        Assert.Empty(r.Calls);
        Assert.Equal(ToolCallProblemKind.TooDeep, Assert.Single(r.Problems).Kind);
    }

    [Theory]
    [InlineData("{q:a, b}", """{"q":"a, b"}""")]
    [InlineData("{q:(x, y: z)}", """{"q":"(x, y: z)"}""")]
    [InlineData("{q:'it, is',n:-1.5e3}", """{"q":"it, is","n":-1.5e3}""")]
    [InlineData("{q:[a, {b:1}, [2]]}", """{"q":["a",{"b":1},[2]]}""")]
    [InlineData("{q:01}", """{"q":"01"}""")]
    public void Bare_values_split_at_a_comma_only_before_a_key(string body, string json)
    {
        var r = Parse("call:note" + body);
        Assert.Equal(json, Assert.Single(r.Calls).ArgumentsJson);
    }

    [Fact]
    public void Wrapped_bare_values_follow_the_same_rules()
    {
        var r = Parse("<|tool_call>call:get_weather{location:New York, NY,days:2,note:9:30, later}<tool_call|>");
        Assert.Equal("""{"location":"New York, NY","days":2,"note":"9:30, later"}""", Assert.Single(r.Calls).ArgumentsJson);
    }
}
