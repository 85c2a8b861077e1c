namespace ToolLoop.Tests.Parsing.Core;

/// <summary>
/// Removing markup never makes data a marker (FsCheck counterexample of <c>Output_never_holds_more_call_openers_than_the_input</c>
/// under Kimi: <c>&lt;tool_call</c> + a leaked <c>&lt;|tool_call_section_begin|&gt;</c> + <c>&gt;</c> came out as <c>&lt;tool_call&gt;</c>).
/// </summary>
public sealed class JoinGuardTests
{
    [Theory]
    [InlineData(ToolCallFormat.Kimi, "a <tool_call<|tool_call_section_begin|>>>>get_weather", "<tool_call>")]
    [InlineData(ToolCallFormat.Hermes, "a <tool_<|im_end|>call>{\"name\": \"f\"}", "<tool_call>")]
    [InlineData(ToolCallFormat.Hermes, "a <tool_<|im_end|>\n  call>{\"name\": \"f\"}", "<tool_call>")]
    [InlineData(ToolCallFormat.Auto, "a [TOOL_<|eot_id|>CALLS]x", "[TOOL_CALLS]")]
    [InlineData(ToolCallFormat.Qwen3Coder, "a <|python_<|endoftext|>tag|>x", "<|python_tag|>")]
    public void Removed_markup_does_not_join_its_neighbours_into_a_marker(ToolCallFormat format, string text, string marker)
    {
        var r = SameOnEveryEntry(text, format);
        Assert.DoesNotContain(marker, r.Content, StringComparison.Ordinal);
        Assert.Empty(r.Calls);
    }

    [Theory]
    [InlineData(ToolCallFormat.Hermes, "Done.<|im_end|>More", "Done.More")]
    [InlineData(ToolCallFormat.Hermes, "a <tool_<|im_end|>", "a <tool_")]
    [InlineData(ToolCallFormat.Kimi, "x<|tool_call_section_begin|>y", "xy")]
    public void Markup_that_joins_nothing_is_still_removed(ToolCallFormat format, string text, string content)
        => Assert.Equal(content, SameOnEveryEntry(text, format).Content);

    private static ToolCallParseResult SameOnEveryEntry(string text, ToolCallFormat format)
        => Chunking.ParseOnEveryEntry(text, format, new ToolCallParserOptions { Tools = [new DeclaredTool("f"), new DeclaredTool("get_weather")] });
}
