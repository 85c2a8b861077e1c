namespace ToolLoop.Tests.Parsing;

/// <summary>
/// The size cap decides on the text, never on how it was chunked (issue 8, section 4): a call within the cap followed
/// by a run of whitespace or stray closers that crosses it is the same call however the output arrives.
/// </summary>
public sealed class SizeCapTests
{
    private const int Cap = 512;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in FamilySamples.Keys())
        {
            foreach (var run in (string[])["\n", " ", "}", "]"])
            {
                data.Add(key, run);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_call_followed_by_a_run_across_the_cap_is_the_same_however_chunked(string key, string run)
    {
        var s = FamilySamples.Get(key);

        // Without its closing tag (optional in these families), the call is followed by lookahead the region must read.
        // (MiniMax M2's block closer is not optional: its </invoke> is ordinary text a value may hold.)
        var call = s.Call("get_weather", """{"city": "Paris"}""");
        foreach (var closer in (string[])["\n</tool_call>", "</tool_call>", "<|eom_id|>", "<tool_call|>", "</TOOLCALL>", "<|END_ACTION|>", "<|tools_suffix|>", "<|tool_call_end|>",
            "<|call|>", "</｜DSML｜function_calls>", "<|close|>tools<|sep|>", "\n</tool_calls:opensource>", "\n</seed:tool_call>"])
        {
            if (call.EndsWith(closer, StringComparison.Ordinal))
            {
                call = call[..^closer.Length];
                break;
            }
        }

        var text = "Before.\n" + call + string.Concat(Enumerable.Repeat(run, Cap)) + "\nAfter.";
        var options = FamilySample.OptionsFor(("get_weather", """{"city": "x"}"""));
        options.MaxToolCallBytes = Cap;
        var whole = ToolCallParser.Parse(text, s.Format, options);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, s.Format, options), "char by char");
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 7, s.Format, options), "chunks of 7");
        Assert.Equal("get_weather", Assert.Single(whole.Calls).Name);
        Assert.DoesNotContain(whole.Problems, p => p.Kind == ToolCallProblemKind.TooLarge);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_call_that_reaches_the_cap_is_too_large_however_chunked(string key, string run)
    {
        _ = run;
        var s = FamilySamples.Get(key);
        var call = s.Call("note", "{\"text\": \"" + new string('x', Cap) + "\"}");
        var text = "Before.\n" + call + "\nAfter.";
        var options = FamilySample.OptionsFor(("note", """{"text": "x"}"""));
        options.MaxToolCallBytes = Cap;
        var whole = ToolCallParser.Parse(text, s.Format, options);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, s.Format, options), "char by char");
        Assert.Empty(whole.Calls);
        Assert.All(whole.Problems, p => Assert.Equal(ToolCallProblemKind.TooLarge, p.Kind));
        Assert.Equal("Before.After.", whole.Content);
    }
}
