using System.Text;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// A marker cut by the end of the output is markup and may go, but only the one the output ends in: once it is off,
/// the text before it no longer ends where the output ends, so a cut marker there is text and must be kept (seed 2,
/// shard 3, input 14545 of the random-input suite lost <c>&lt;｜tool▁call▁end</c> this way).
/// </summary>
public sealed class CutMarkerTests
{
    // DeepSeek R1's call type and fence language are markup of that syntax too.
    private static readonly string[] s_markup = [.. FamilySamples.Families.SelectMany(f => f.Markup).Concat(RandomInputs.AllMarkers).Append("function<｜tool▁sep｜>").Append("```json").Distinct()];

    public static TheoryData<ToolCallFormat, string, string> KeptCutMarkers() => new()
    {
        // A cut call closer, then a cut opener (a prefix of the section closer too) where the output ends.
        { ToolCallFormat.DeepSeek, "Hi <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\":1}<｜tool▁call▁end<｜tool▁cal", "<｜tool▁call▁end" },
        { ToolCallFormat.DeepSeek, "Hi <｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\":1}<｜tool▁call▁end<｜tool▁cal", "<｜tool▁call▁end" },

        // A cut call closer inside a section that did close: nothing of it is at the end of the output.
        { ToolCallFormat.DeepSeek, "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\":1}<｜tool▁call▁end<｜tool▁calls▁end｜>", "<｜tool▁call▁end" },
        { ToolCallFormat.Kimi, "<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{\"a\":1}<|tool_call_end<|tool_calls_sec", "<|tool_call_end" },
        { ToolCallFormat.Kimi, "<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{\"a\":1}<|tool_call_end<|tool_calls_section_end|>", "<|tool_call_end" },

        // A lone backtick after the JSON of a call that the next call ends is text, not a cut closing fence.
        { ToolCallFormat.DeepSeek, "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\":1}\n`<｜tool▁call▁begin｜>function<｜tool▁sep｜>g\n```json\n{}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>", "`" },
    };

    [Theory]
    [MemberData(nameof(KeptCutMarkers))]
    public void A_cut_marker_before_the_one_the_output_ends_in_is_kept(ToolCallFormat format, string text, string kept)
    {
        var options = new ToolCallParserOptions();
        var whole = ParserRegressionTests.ParseEveryWay(text, format, options);
        Chunking.AssertSame(whole, ToolCallParser.Parse(Encoding.UTF8.GetBytes(text), format, options), "the UTF-8 entry");
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, format, options), "char by char");
        var bytes = Encoding.UTF8.GetBytes(text);
        Chunking.AssertSame(whole, Chunking.Parse(bytes, [.. Enumerable.Repeat(1, bytes.Length)], format, options), "byte by byte");

        // DeepSeek delivers the call and makes the text after its JSON content; Kimi reports text after the arguments
        // as a Malformed call that keeps it in its raw text.
        var keptIn = whole.Content + string.Concat(whole.Problems.Select(p => p.RawText));
        Assert.Contains(kept, keptIn, StringComparison.Ordinal);
        if (format == ToolCallFormat.DeepSeek)
        {
            Assert.NotEmpty(whole.Calls);
            Assert.Equal("f", whole.Calls[0].Name);
            Assert.Equal("""{"a":1}""", whole.Calls[0].ArgumentsJson);
            Assert.Contains(kept, whole.Content, StringComparison.Ordinal);
        }
        NothingLost.Check(text, whole, s_markup);
    }
}
