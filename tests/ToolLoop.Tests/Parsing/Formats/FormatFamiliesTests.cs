using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>The family list is the one source of truth: every format is in it once, with a sample, fixtures and names.</summary>
public sealed class FormatFamiliesTests
{
    /// <summary>Fixtures a family needs before it counts as done (issue 8: at least 12 per family).</summary>
    private const int MinFixtures = 12;

    public static TheoryData<string> Names() => [.. FormatFamilies.All.Select(f => f.Name)];

    [Fact]
    public void Every_format_but_auto_is_listed_once()
    {
        var listed = FormatFamilies.All.Select(f => f.Format).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(Enum.GetValues<ToolCallFormat>().Where(f => f != ToolCallFormat.Auto).Order(), listed.Order());
    }

    [Fact]
    public void Names_and_aliases_are_unique_and_normalised()
    {
        var names = FormatFamilies.All.SelectMany(f => f.Aliases.Prepend(f.Name)).Append("auto").ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.Equal(n.ToLowerInvariant().Replace('_', '-'), n));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Family_has_a_conformance_sample(string name)
    {
        var family = FormatFamilies.All.Single(f => f.Name == name);
        Assert.Single(FamilySamples.Families, s => s.Format == family.Format);
        Assert.Equal(family.InAuto, FamilySamples.All.Any(s => s.Key == "auto:" + FamilySamples.Families.Single(x => x.Format == family.Format).Key));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Family_has_a_fixtures_folder_named_after_it(string name)
    {
        var dir = Path.Combine(TestPaths.Fixtures, name);
        Assert.True(Directory.Exists(dir), $"fixtures/{name}/ is missing");
        var count = Directory.EnumerateFiles(dir, "*.txt").Count();
        Assert.True(count >= MinFixtures, $"fixtures/{name}/ has {count} cases, fewer than {MinFixtures}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Family_is_found_by_its_name_its_aliases_and_its_evidence(string name)
    {
        var family = FormatFamilies.All.Single(f => f.Name == name);
        Assert.Equal(name, ToolCallFormats.GetName(family.Format));
        foreach (var n in family.Aliases.Prepend(family.Name))
        {
            Assert.True(ToolCallFormats.TryParse(n, out var parsed), n);
            Assert.Equal(family.Format, parsed);
        }

        // Each piece of evidence, alone, picks this family (the list order resolves evidence shared with later families).
        Assert.NotEmpty(family.TemplateMarkers);
        foreach (var group in family.TemplateMarkers)
        {
            Assert.Equal(family.Format, ToolCallFormats.FromChatTemplate(string.Join(" ", group)));
        }

        Assert.NotEmpty(family.ModelNames);
        foreach (var model in family.ModelNames)
        {
            Assert.Equal(family.Format, ToolCallFormats.FromModelName("org/" + model + "-7b-instruct"));
        }
    }
}
