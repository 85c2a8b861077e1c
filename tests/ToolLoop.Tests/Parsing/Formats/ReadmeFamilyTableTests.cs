using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>The README's parser family table says what the code does: one row per family, in list order, and the right "in auto" answer.</summary>
public sealed class ReadmeFamilyTableTests
{
    private const string Header = "| format | families | call markup | reasoning | in `auto` |";

    [Fact]
    public void The_table_lists_every_family_once_then_auto()
    {
        // The README orders rows for readers; the family list orders them for detection.
        var names = Rows().Select(r => r.Name).ToList();
        Assert.Equal("auto", names[^1]);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(FormatFamilies.All.Select(f => f.Name).Order(), names.Take(names.Count - 1).Order());
    }

    [Fact]
    public void The_in_auto_column_matches_the_family_list()
    {
        foreach (var (name, inAuto) in Rows().Where(r => r.Name != "auto"))
        {
            var family = FormatFamilies.All.Single(f => f.Name == name);
            var answer = inAuto.StartsWith("yes", StringComparison.Ordinal) ? true
                : inAuto.StartsWith("no", StringComparison.Ordinal) ? false
                : throw new InvalidOperationException($"README row '{name}': the 'in auto' cell must start with yes or no, not '{inAuto}'");
            Assert.True(family.InAuto == answer, $"README says '{inAuto}' for {name}, the family list says InAuto = {family.InAuto}");
        }
    }

    [Fact]
    public void Auto_reads_no_call_of_a_family_outside_auto()
    {
        // The families inside Auto are read there by the conformance suite ("auto:" samples); the others' markers are not.
        // (With declared tools, Auto's own bare-JSON rule, the README's auto row, may still read the JSON inside them.)
        foreach (var family in FormatFamilies.All.Where(f => !f.InAuto))
        {
            var sample = FamilySamples.Families.Single(s => s.Format == family.Format);
            var text = "Sure.\n" + sample.Call("get_weather", """{"city": "Paris"}""");
            var options = FamilySample.OptionsFor(("get_weather", """{"city": "x"}"""));
            Assert.Single(ToolCallParser.Parse(text, family.Format, options).Calls);
            var auto = ToolCallParser.Parse(text, ToolCallFormat.Auto);
            Assert.True(auto.Calls.Count == 0, $"Auto read a {family.Name} call: {auto.ToJson()}");
        }
    }

    private static List<(string Name, string InAuto)> Rows()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Root, "README.md"));
        var start = Array.IndexOf(lines, Header);
        Assert.True(start >= 0, "README.md has no parser family table (its header row changed?)");
        var rows = new List<(string, string)>();
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            // Cells are split at '|' not escaped as "\|" (the markup column holds "<\|python_tag\|>").
            var cells = line.Replace("\\|", "\u0001", StringComparison.Ordinal).Split('|');
            rows.Add((cells[1].Trim().Trim('`'), cells[^2].Trim()));
        }

        return rows;
    }
}
