using System.Text;
using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Linear cost without timing: the parser core counts the characters its scanners are handed. Fed one character at a
/// time, a large output must cost at most a small constant times its length, which rules out re-scanning.
/// </summary>
public sealed class LinearCostTests
{
    private const int MaxCostPerChar = 8;

    public static TheoryData<string> Keys() => FamilySamples.Keys();

    /// <summary>About 200 KB: prose full of marker prefixes, reasoning, small calls, and one 60 KB call.</summary>
    private static string LargeOutput(FamilySample s)
    {
        var sb = new StringBuilder();
        if (s.HasReasoning)
        {
            sb.Append(s.ReasoningOpen).Append(Prose(20_000)).Append(s.ReasoningClose);
        }

        // At least 110 small calls whatever the length of a family's markup (the check below wants more than 100).
        var i = 0;
        while (sb.Length < 140_000 || i < 110)
        {
            sb.Append(Prose(1_000)).Append('\n').Append(s.Call("get_weather", "{\"city\": \"Paris " + i + "\", \"days\": " + i + "}", i)).Append('\n');
            i++;
        }

        var big = "{\"text\": \"" + string.Concat(Enumerable.Range(0, 6_000).Select(n => "line " + n + " ")) + "\"}";
        sb.Append(s.Call("note", big, i)).Append('\n').Append(Prose(1_000));
        return sb.ToString();
    }

    private static string Prose(int length)
    {
        // Words and near-markers: '<' and '[' and '{' and full-width bars that start markers but never complete one.
        string[] words = ["The ", "weather ", "<b> ", "<tool ", "[TOOL ", "<| ", "<｜tool ", "{x} ", "a\n", "  ", "日本 ", "<think ", "</ ", "call: "];
        var sb = new StringBuilder(length + 16);
        var n = 0;
        while (sb.Length < length)
        {
            sb.Append(words[n++ % words.Length]);
        }

        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Large_output_fed_one_char_at_a_time_is_scanned_a_bounded_number_of_times(string key)
    {
        var s = FamilySamples.Get(key);
        var text = LargeOutput(s);
        var options = FamilySample.OptionsFor(("get_weather", """{"city": "x", "days": 1}"""), ("note", """{"text": "x"}"""));
        var events = new List<ToolCallParseEvent>();
        using var core = new ParserCore(s.Format, options);
        for (var i = 0; i < text.Length; i++)
        {
            core.Append(text.AsSpan(i, 1), events);
        }

        core.Complete(events);
        var result = ToolCallParser.Collect(events);
        Assert.Empty(result.Problems);
        Assert.True(result.Calls.Count > 100, $"{result.Calls.Count} calls");
        Assert.Equal("note", result.Calls[^1].Name);
        Assert.True(core.ExaminedChars <= (long)MaxCostPerChar * text.Length, $"examined {core.ExaminedChars} chars for {text.Length} ({(double)core.ExaminedChars / text.Length:F1} per char)");
    }

    [Fact]
    public void The_counter_counts_every_examined_character()
    {
        // Guards the bound above against a counter that is not wired: plain text is handed to the scanner exactly once.
        var text = new string('x', 10_000);
        using var core = new ParserCore(ToolCallFormat.Hermes, new ToolCallParserOptions());
        for (var i = 0; i < text.Length; i += 7)
        {
            core.Append(text.AsSpan(i, Math.Min(7, text.Length - i)), []);
        }

        Assert.Equal(text.Length, core.ExaminedChars);
    }
}
