using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Every marker of every format's table (openers, closers, reasoning and strip markers), repeated back to back and fed
/// one character at a time: the examined-characters counter stays within a constant per character — a small one plus the
/// longest marker, since a possible marker cut by a chunk end is held and looked at again with the next character — so no
/// region or text scan waits on the same text again and again (an opener flood is the classic quadratic shape, which
/// would cost thousands per character here).
/// </summary>
public sealed class MarkerFloodTests
{
    private const int MaxCostPerChar = 8;
    private const int FloodLength = 6_000;

    public static TheoryData<ToolCallFormat> Formats() => [.. Enum.GetValues<ToolCallFormat>()];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_marker_flood_costs_a_bounded_number_of_examined_characters_per_character(ToolCallFormat format)
    {
        var options = FamilySample.OptionsFor(("get_weather", """{"city": "x"}"""), ("all", "{}"));
        foreach (var reasoning in (bool[])[false, true])
        {
            options.StartInReasoning = reasoning;
            var table = FormatTable.For(format, options.Tools.Count > 0);
            foreach (var marker in table.Content.All.Concat(table.Reasoning.All).Select(m => m.Text).Distinct())
            {
                // The marker alone, and followed by what most bodies start with.
                foreach (var unit in (string[])[marker, marker + "{\"name\": \"get_weather\", ", marker + "get_weather\n"])
                {
                    var text = string.Concat(Enumerable.Repeat(unit, Math.Max(2, FloodLength / unit.Length)));
                    using var core = new ParserCore(format, options);
                    var events = new List<ToolCallParseEvent>();
                    for (var i = 0; i < text.Length; i++)
                    {
                        core.Append(text.AsSpan(i, 1), events);
                    }

                    core.Complete(events);
                    var bound = (long)(MaxCostPerChar + table.Content.LongestMarker + table.Reasoning.LongestMarker) * text.Length;
                    Assert.True(core.ExaminedChars <= bound,
                        $"{format} ({(reasoning ? "in reasoning" : "in content")}): a flood of {System.Text.Json.JsonSerializer.Serialize(unit)} examined {core.ExaminedChars} chars for {text.Length}");
                }
            }
        }
    }
}
