using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Hostile repetitions (issue 8, section 4): one marker or call start repeated many times, in one <c>Append</c> and
/// one character at a time, under its family's format and under <see cref="ToolCallFormat.Auto"/> with declared tools.
/// The examined-characters counter must grow linearly: doubling the input may at most double the count (plus a small
/// margin), and the count per character stays under a bound. No timing is measured.
/// </summary>
public sealed class FloodCostTests
{
    /// <summary>A region is handed at least this many characters, so a rejected guess can count this much.</summary>
    private const int MaxCostPerChar = 24;

    /// <summary>Every family's openers and call starts, and shapes that used to be quadratic.</summary>
    public static TheoryData<string> Floods() =>
    [
        "{\"name\": \"", "{\"name\": \"get_weather\", \"arguments\": {", "{\"name\": \"get_weather\", \"arguments\": {\"a\": \"", "{", "[{",
        "<function=", "<function=get_weather>", "<function=get_weather>\n<parameter=a>\n", "<tool_call>", "<tool_call>{\"name\": \"",
        "<tool_call>get_weather\n<arg_key>", "<tool_call>\n<function=get_weather>\n<parameter=a>\n", "</parameter>", "\n</parameter> ",
        "[TOOL_CALLS]", "[TOOL_CALLS][", "[TOOL_CALLS]get_weather", "[TOOL_CALLS]get_weather[ARGS]{", "<|tool_call>call:",
        "<|tool_call>call:get_weather{", "<|tool_call>call:get_weather{a:<|\"|>", "<|python_tag|>", "<|python_tag|>{\"name\": \"",
        "<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>",
        "<|tool_calls_section_begin|>", "<|tool_call_begin|>",
        "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>", "<think>", "<tool_cal",
        "<|\"|>", "call:get_weather{", "<start_function_call>call:get_weather{", "\n", "}", " ",
        "\ncall:get_weather{", "\ncall : get_weather {a:\"", "\ncall:", "call:get_weather{}", "<start_function_call>call:get_weather{a:<escape>",
    ];

    /// <summary>Floods that nest: each repetition opens one more level, so each guess may run to the depth cap.</summary>
    public static TheoryData<string> NestingFloods() => ["{\"name\": ", "{\"name\": {\"arguments\": ", "{\"a\":["];

    [Theory]
    [MemberData(nameof(Floods))]
    public void Floods_cost_a_bounded_number_of_examined_characters_per_character(string flood)
    {
        foreach (var format in Enum.GetValues<ToolCallFormat>())
        {
            AssertLinear(flood, format, new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] }, MaxCostPerChar);
        }
    }

    [Theory]
    [MemberData(nameof(NestingFloods))]
    public void Nesting_floods_cost_at_most_the_depth_cap_per_character(string flood)
    {
        // A guess stops at the depth cap; guesses only overlap where one nests in another, so the cost per character
        // is bounded by the cap (here a small one), not by the input length.
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")], MaxJsonDepth = 8 };
        foreach (var format in (ToolCallFormat[])[ToolCallFormat.Auto, ToolCallFormat.Llama3])
        {
            AssertLinear(flood, format, options, MaxCostPerChar * (options.MaxJsonDepth + 2));
        }
    }

    [Fact]
    public void The_bare_json_guess_in_auto_with_declared_tools_is_linear_at_scale()
    {
        // 1.1 MB of repeated {"name": " took 17 s: each guess re-scanned everything after it.
        var text = string.Concat(Enumerable.Repeat("{\"name\": \"", 110_000));
        var examined = Examined(text, ToolCallFormat.Auto, new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] }, whole: true);
        Assert.True(examined <= (long)MaxCostPerChar * text.Length, $"{examined} examined for {text.Length}");
    }

    [Fact]
    public void Function_openers_in_one_append_are_linear_at_scale()
    {
        // 200,000 <function= openers in one Append took 8.8 s: each opener's region sought a closer to the end.
        var text = string.Concat(Enumerable.Repeat("<function=", 200_000));
        foreach (var format in (ToolCallFormat[])[ToolCallFormat.Qwen3Coder, ToolCallFormat.Hermes, ToolCallFormat.Llama3, ToolCallFormat.Auto])
        {
            var examined = Examined(text, format, new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] }, whole: true);
            Assert.True(examined <= (long)MaxCostPerChar * text.Length, $"{format}: {examined} examined for {text.Length}");
        }
    }

    private static void AssertLinear(string flood, ToolCallFormat format, ToolCallParserOptions options, int maxPerChar)
    {
        var small = string.Concat(Enumerable.Repeat(flood, Math.Max(40, 1_500 / flood.Length)));
        var large = small + small;
        foreach (var whole in (bool[])[true, false])
        {
            var a = Examined(small, format, options, whole);
            var b = Examined(large, format, options, whole);
            var how = whole ? "in one Append" : "char by char";
            Assert.True(b <= (long)maxPerChar * large.Length, $"{format}, {how}: {b} examined for {large.Length} chars of '{flood}'");
            // Linear: doubling the input roughly doubles the count (a quadratic cost would quadruple it).
            Assert.True(b <= (a * 22 / 10) + 1024, $"{format}, {how}: doubling '{flood}' raised the count from {a} to {b}");
        }
    }

    private static long Examined(string text, ToolCallFormat format, ToolCallParserOptions options, bool whole)
    {
        using var core = new ParserCore(format, options);
        var events = new List<ToolCallParseEvent>();
        if (whole)
        {
            core.Append(text.AsSpan(), events);
        }
        else
        {
            for (var i = 0; i < text.Length; i++)
            {
                core.Append(text.AsSpan(i, 1), events);
            }
        }

        core.Complete(events);
        return core.ExaminedChars;
    }
}
