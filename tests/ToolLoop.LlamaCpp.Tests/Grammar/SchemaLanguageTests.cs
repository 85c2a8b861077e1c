using System.Text;
using System.Text.Json;
using ToolLoop.LlamaCpp.Grammar;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// The language of each converted grammar, judged by a real validator (JsonSchema.Net) through an independent GBNF
/// recognizer: labelled texts, then thousands of mutations of the valid ones, of which the grammar may accept only
/// valid ones.
/// </summary>
public sealed class SchemaLanguageTests
{
    public static TheoryData<string> Names() => [.. SchemaLanguageCorpus.All.Select(e => e.Name)];

    private static GbnfRecognizer Grammar(string schema)
    {
        using var doc = JsonDocument.Parse(schema);
        return GbnfRecognizer.Parse(SchemaGrammarConverter.Convert(doc.RootElement));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Labelled_texts(string name)
    {
        var entry = SchemaLanguageCorpus.All.Single(e => e.Name == name);
        var grammar = Grammar(entry.Schema);
        foreach (var text in entry.Accept)
        {
            Assert.True(ReferenceValidator.IsValid(entry.Schema, text), $"test data: {text} should be valid");
            Assert.True(grammar.Accepts(text), $"the grammar rejects the valid {text}");
        }

        foreach (var text in entry.Reject)
        {
            Assert.False(ReferenceValidator.IsValid(entry.Schema, text), $"test data: {text} should be invalid");
            Assert.False(grammar.Accepts(text), $"the grammar accepts the invalid {text}");
        }

        foreach (var text in entry.Wider ?? [])
        {
            Assert.False(ReferenceValidator.IsValid(entry.Schema, text), $"test data: {text} should be invalid");
            Assert.True(grammar.Accepts(text), $"the grammar rejects {text}, listed as accepted on purpose");
        }

        foreach (var text in entry.Narrower ?? [])
        {
            Assert.True(ReferenceValidator.IsValid(entry.Schema, text), $"test data: {text} should be valid");
            Assert.False(grammar.Accepts(text), $"the grammar accepts {text}, listed as outside it");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Mutations_of_valid_texts_are_accepted_only_when_valid(string name)
    {
        var entry = SchemaLanguageCorpus.All.Single(e => e.Name == name);
        var grammar = Grammar(entry.Schema);
        var random = new Random(name.Length * 7919);
        string[] inserts = ["\"", "\\", ",", "}", "]", "{", "[", "1", "0", "a", " ", "-", ".", "e", "\n", "\u0001", ":", "null", "\\u0041", "Z", "9"];
        var checkedCount = 0;
        foreach (var text in entry.Accept)
        {
            for (var k = 0; k < 150; k++)
            {
                var sb = new StringBuilder(text);
                var edits = 1 + random.Next(2);
                for (var e = 0; e < edits; e++)
                {
                    var at = random.Next(sb.Length + 1);
                    switch (random.Next(3))
                    {
                        case 0 when sb.Length > 0:
                            sb.Remove(Math.Min(at, sb.Length - 1), 1);
                            break;
                        case 1 when sb.Length > 0:
                            sb[Math.Min(at, sb.Length - 1)] = inserts[random.Next(inserts.Length)][0];
                            break;
                        default:
                            sb.Insert(at, inserts[random.Next(inserts.Length)]);
                            break;
                    }
                }

                var mutated = sb.ToString();
                if (grammar.Accepts(mutated))
                {
                    Assert.True(ReferenceValidator.IsValid(entry.Schema, mutated), $"the grammar accepts the invalid {mutated} (mutated from {text})");
                }

                checkedCount++;
            }
        }

        Assert.True(checkedCount > 0);
    }

    [Fact]
    public void A_time_without_offset_is_accepted_because_dotnet_TimeOnly_reads_only_that()
    {
        var (value, offsetReadable) = FunctionSchemas.TimeOnlyJson();
        Assert.Equal(new TimeOnly(12, 30), value);
        Assert.False(offsetReadable);
        Assert.True(Grammar("""{"type":"string","format":"time"}""").Accepts("\"12:30:00\""));
    }
}
