using System.Text.Json;
using ToolLoop.LlamaCpp.Grammar;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// llama.cpp's own schema → grammar cases (<c>tests/test-json-schema-to-grammar.cpp</c>, read at test time): the
/// converter writes exactly llama.cpp's expected grammar, except for the cases in <see cref="s_differences"/>, where
/// llama.cpp's grammar accepts text that is not JSON or not valid against the schema (or rejects valid text). Each
/// difference carries witnesses: JSON texts on which llama.cpp's expected grammar is wrong and ours is right, judged
/// by JsonSchema.Net. A difference may also be wider than JSON Schema on purpose (<c>Wider</c>: texts our grammar
/// accepts though the validator rejects them).
/// </summary>
public sealed class SchemaGrammarConverterLlamaCasesTests
{
    private const string Uuid = "\"12345678-1234-1234-1234-123456789abc\"";

    // Same language, other text: the llama.cpp of LLamaSharp 0.30.0 does not read GBNF's \- escape (newer llama.cpp writes it).
    private const string Equivalent = "same language without the \\- escape, which the runtime's GBNF parser refuses";

    // Case name → why it differs, texts llama.cpp's grammar gets wrong, texts we accept on purpose though invalid.
    private static readonly Dictionary<string, (string Why, string[] Witnesses, string[] Wider)> s_differences = new(StringComparer.Ordinal)
    {
        ["regexp with escaped hyphen in a character class"] = (Equivalent, [], []),
        ["regexp with escaped hyphen outside a character class"] = (Equivalent, [], []),
        ["exotic formats"] = (
            "dates know the days of each month and leap years; times take 1 to 7 fraction digits (llama.cpp: exactly 3); a time's offset is optional for .NET's TimeOnly",
            [$"[\"2024-02-30\", {Uuid}, \"12:30:00Z\", \"2024-01-01T10:00:00Z\"]", $"[\"2023-02-29\", {Uuid}, \"12:30:00Z\", \"2024-01-01T10:00:00Z\"]",
             $"[\"2024-02-29\", {Uuid}, \"12:30:00.1234567Z\", \"2024-01-01T10:00:00.5+02:00\"]"],
            [$"[\"2024-02-29\", {Uuid}, \"12:30:00\", \"2024-01-01T10:00:00Z\"]"]),
        ["regexp with top-level alternation"] = ("ECMA-262 anchors: ^A|B|C|D$ is 'starts with A, or contains B or C, or ends with D'", ["\"xBx\"", "\"Ax\"", "\"xD\""], []),
        ["unanchored regexp"] = ("an unanchored pattern matches anywhere in the string (llama.cpp accepts any string)", ["\"abc\""], []),
        ["regexp with unsupported shorthand"] = ("\\w is supported (llama.cpp accepts any string)", ["\"123!\""], []),
        ["regexp"] = ("'.' inside a JSON string is JSON text: a quote is written \\\" (llama.cpp lets a bare quote end the string)", ["\"123-4567 aaand\" x\"", "\"123-4567 aaand\\\"ab\""], []),
        ["regexp quote"] = ("a quote in the pattern is \\\" in the JSON string (llama.cpp writes \"\"\", not JSON)", ["\"\"\"", "\"\\\"\""], []),
        ["max -5"] = ("no leading zero after the minus sign (llama.cpp accepts -05, not JSON)", ["-05", "-00"], []),
        ["optional props with empty name"] = ("the property \"\" does not take over the root rule (llama.cpp's root is that property's integer, so it rejects every object)", ["{\"a\": 2}", "{\"\": 1}"], []),
        ["required + additional props"] = ("an additional key does not start with a lone backslash (llama.cpp accepts {\"\\\": …}, not JSON)", ["{\"a\": 1, \"\\\": \"x\"}"], []),
        ["optional + additional props"] = ("as above", ["{\"\\\": 1}"], []),
        ["optional props with nested names"] = ("as above", ["{\"\\\": 1}"], []),
        ["optional props with common prefix"] = ("as above, and a proper prefix of a name is a key (llama.cpp rejects \"a\" beside \"ab\")", ["{\"\\\": 1}", "{\"a\": 1}"], []),
        ["required + optional + additional props"] = ("as above", ["{\"and\": 1, \"\\\": 2}", "{\"and\": 1, \"al\": 2}"], []),
        ["mix of allOf, anyOf and $ref (similar to https://json.schemastore.org/tsconfig.json)"] = ("the parts of an allOf keep their own required lists (llama.cpp makes every property required)", ["{}", "{\"b\": 1}"], []),
    };

    [Theory]
    [MemberData(nameof(LlamaSchemaTestCases.Names), MemberType = typeof(LlamaSchemaTestCases))]
    public void Case_matches_llama_cpp_or_differs_for_a_stated_reason(string name)
    {
        var c = LlamaSchemaTestCases.Get(name);
        string? actual = null;
        Exception? error = null;
        try
        {
            using var doc = JsonDocument.Parse(c.Schema);
            actual = SchemaGrammarConverter.Convert(doc.RootElement);
        }
        catch (Exception ex) when (ex is SchemaConversionException or JsonException)
        {
            error = ex;
        }

        Assert.True(c.ExpectSuccess == (error is null), $"expected {(c.ExpectSuccess ? "success" : "failure")}, got {error?.Message ?? actual}");
        if (!c.ExpectSuccess)
        {
            return;
        }

        // Every grammar llama.cpp expects, and every grammar we write, is well-formed GBNF with all rules defined.
        var expected = GbnfRecognizer.Parse(c.ExpectedGrammar);
        var ours = GbnfRecognizer.Parse(actual!);
        if (!s_differences.TryGetValue(name, out var difference))
        {
            Assert.Equal(LlamaSchemaTestCases.Trim(c.ExpectedGrammar), LlamaSchemaTestCases.Trim(actual!));
            return;
        }

        Assert.NotEqual(LlamaSchemaTestCases.Trim(c.ExpectedGrammar), LlamaSchemaTestCases.Trim(actual!));
        foreach (var witness in difference.Witnesses)
        {
            var valid = ReferenceValidator.IsValid(c.Schema, witness);
            Assert.True(ours.Accepts(witness) == valid, $"{name}: our grammar {(valid ? "rejects" : "accepts")} {witness} ({difference.Why})");
            Assert.True(expected.Accepts(witness) != valid, $"{name}: llama.cpp's grammar is right about {witness}; the stated difference ({difference.Why}) is not shown");
        }

        if (difference.Why == Equivalent)
        {
            var random = new Random(name.Length);
            for (var i = 0; i < 200; i++)
            {
                var fromOurs = ours.Sample(random);
                var fromExpected = expected.Sample(random);
                Assert.True(expected.Accepts(fromOurs), fromOurs);
                Assert.True(ours.Accepts(fromExpected), fromExpected);
            }

            Assert.DoesNotContain("\\-", actual!, StringComparison.Ordinal);
        }

        foreach (var wider in difference.Wider)
        {
            Assert.False(ReferenceValidator.IsValid(c.Schema, wider), wider);
            Assert.True(ours.Accepts(wider), $"{name}: our grammar rejects {wider} ({difference.Why})");
        }
    }

    [Fact]
    public void Every_listed_difference_is_a_llama_cpp_case()
    {
        _ = LlamaSchemaTestCases.SourcePath;
        var names = LlamaSchemaTestCases.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(s_differences.Keys, k => Assert.Contains(k, names));
        Assert.True(LlamaSchemaTestCases.All.Count >= 80, $"only {LlamaSchemaTestCases.All.Count} cases were read");
    }
}
