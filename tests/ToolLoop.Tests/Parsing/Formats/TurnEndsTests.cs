using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Leaked end-of-turn tokens (issue 8): every token of <see cref="FormatFamily.TurnEnds"/> and
/// <see cref="FormatFamilies.SharedTurnEnds"/> is removed from content under its family's format (and under Auto when the
/// family is in Auto), and the text after it is kept.
/// </summary>
public sealed class TurnEndsTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var family in FormatFamilies.All)
        {
            foreach (var token in family.TurnEnds.Concat(FormatFamilies.SharedTurnEnds))
            {
                data.Add(family.Name, token);
                if (family.InAuto)
                {
                    data.Add("auto", token);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_leaked_turn_end_is_removed_and_the_text_around_it_kept(string format, string token)
    {
        Assert.True(ToolCallFormats.TryParse(format, out var f));

        var atEnd = ToolCallParser.Parse("All done — the report is saved." + token, f);
        Assert.Equal("All done — the report is saved.", atEnd.Content);
        Assert.Empty(atEnd.Calls);
        Assert.Empty(atEnd.Problems);

        // Text after the token (the runtime did not stop at it) is still the model's output: not dropped.
        var inside = ToolCallParser.Parse("First part." + token + "Second part.", f);
        Assert.Equal("First part.Second part.", inside.Content);
        Assert.Empty(inside.Calls);
        Assert.Empty(inside.Problems);
    }
}
