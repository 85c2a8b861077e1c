using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Parsing;

/// <summary>The JSON call rules every JSON-bodied family shares (issue 8, section 5): a broken call is never a good one.</summary>
public sealed class JsonCallsTests
{
    /// <summary>One call object in the markup of each JSON family.</summary>
    public static TheoryData<string> Families() => ["hermes", "llama3", "mistral"];

    private static string Wrap(string family, string json) => family switch
    {
        "hermes" => "<tool_call>\n" + json + "\n</tool_call>",
        "llama3" => "<|python_tag|>" + json + "<|eom_id|>",
        "mistral" => "[TOOL_CALLS][" + json + "]</s>",
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    private static ToolCallParseResult Parse(string family, string json)
    {
        var text = Wrap(family, json);
        Assert.True(ToolCallFormats.TryParse(family, out var format));
        var whole = ToolCallParser.Parse(text, format);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, format, null), "char by char");
        return whole;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_duplicated_name_is_malformed_and_names_no_tool(string family)
    {
        var r = Parse(family, """{"name": "get_weather", "name": "delete_all", "arguments": {}}""");
        Assert.Empty(r.Calls);
        var p = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Malformed, p.Kind);
        Assert.Null(p.ToolName);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_name_duplicated_through_an_escape_is_still_a_duplicate(string family)
    {
        var r = Parse(family, """{"name": "get_weather", "n\u0061me": "delete_all", "arguments": {}}""");
        Assert.Empty(r.Calls);
        Assert.Equal(ToolCallProblemKind.Malformed, Assert.Single(r.Problems).Kind);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Duplicated_arguments_or_argument_keys_are_malformed_with_the_tool_name(string family)
    {
        foreach (var json in (string[])[
            """{"name": "f", "arguments": {"a": 1}, "arguments": {"a": 2}}""",
            """{"name": "f", "arguments": {"a": 1}, "parameters": {"a": 2}}""",
            """{"name": "f", "arguments": {"a": 1, "a": 2}}""",
            """{"name": "f", "arguments": {"o": {"k": 1, "k": 1}}}"""])
        {
            var r = Parse(family, json);
            Assert.Empty(r.Calls);
            var p = Assert.Single(r.Problems);
            Assert.Equal(ToolCallProblemKind.Malformed, p.Kind);
            Assert.Equal("f", p.ToolName);
            Assert.NotNull(p.RawArguments);
        }
    }

    [Fact]
    public void Keys_repeated_in_different_objects_are_not_duplicates()
    {
        var r = Parse("hermes", """{"name": "f", "arguments": {"a": {"k": 1}, "b": {"k": 2}, "list": [{"k": 1}, {"k": 2}]}}""");
        Assert.Empty(r.Problems);
        Assert.Single(r.Calls);
    }

    [Fact]
    public void Large_objects_are_checked_for_duplicates_too()
    {
        var keys = string.Join(", ", Enumerable.Range(0, 500).Select(i => $"\"k{i}\": {i}"));
        Assert.Single(Parse("hermes", "{\"name\": \"f\", \"arguments\": {" + keys + "}}").Calls);
        var r = Parse("hermes", "{\"name\": \"f\", \"arguments\": {" + keys + ", \"k250\": 0}}");
        Assert.Equal(ToolCallProblemKind.Malformed, Assert.Single(r.Problems).Kind);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Invalid_json_is_malformed_with_the_tool_name_and_the_argument_text(string family)
    {
        var r = Parse(family, """{"name": "get_weather", "arguments": {city: Paris}}""");
        var p = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Malformed, p.Kind);
        Assert.Equal("get_weather", p.ToolName);
        Assert.Equal("{city: Paris}", p.RawArguments);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Arguments_that_are_not_an_object_are_malformed_with_their_text(string family)
    {
        var r = Parse(family, """{"name": "f", "arguments": [1, 2]}""");
        var p = Assert.Single(r.Problems);
        Assert.Equal("f", p.ToolName);
        Assert.Equal("[1, 2]", p.RawArguments);
    }

    [Fact]
    public void Other_fields_are_kept_as_additional_fields_in_order()
    {
        var r = Parse("hermes", """{"name": "f", "index": 2, "arguments": {"a": 1}, "id": "x", "note": {"k": [true]}}""");
        var call = Assert.Single(r.Calls);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"index": 2, "id": "x", "note": {"k": [true]}}"""), JsonNode.Parse(call.AdditionalFieldsJson!)), call.AdditionalFieldsJson);
        Assert.StartsWith("{\"index\"", call.AdditionalFieldsJson, StringComparison.Ordinal);
        Assert.Equal("call_0", call.Id);
    }

    [Fact]
    public void A_call_without_other_fields_has_none()
    {
        var r = Parse("hermes", """{"type": "function", "name": "f", "arguments": {}}""");
        Assert.Null(Assert.Single(r.Calls).AdditionalFieldsJson);
    }

    [Fact]
    public void Mistral_uses_its_id_field_as_the_call_id()
    {
        var call = Assert.Single(Parse("mistral", """{"name": "f", "arguments": {}, "id": "a1B2c3D4e"}""").Calls);
        Assert.Equal("a1B2c3D4e", call.Id);
        Assert.Null(call.AdditionalFieldsJson);
    }

    [Fact]
    public void The_openai_wrapper_is_read_and_its_extra_fields_kept()
    {
        var call = Assert.Single(Parse("hermes", """{"type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}, "index": 0}""").Calls);
        Assert.Equal("f", call.Name);
        Assert.Equal("""{"a": 1}""", call.ArgumentsJson);
        Assert.Equal("""{"index":0}""", call.AdditionalFieldsJson);
    }

    [Fact]
    public void The_arguments_are_the_models_own_text()
    {
        // Copied as written: spacing, key order, number spelling and escapes are the model's.
        const string args = """{ "b" : 1.50e2, "a":"\u00e9\n" }""";
        Assert.Equal(args, Assert.Single(Parse("hermes", "{\"name\": \"f\", \"arguments\": " + args + "}").Calls).ArgumentsJson);
    }

    [Theory]
    [InlineData("""{"name": "f", "arguments": {"s": "\ud800"}}""")]
    [InlineData("""{"name": "f", "arguments": {"s": "\udc00x\ud83d"}}""")]
    [InlineData("""{"name": "f", "arguments": "{\"s\": \"\\ud800\"}"}""")]
    [InlineData("""{"name": "f\ud800", "arguments": {"k\udfff": 1}}""")]
    public void Escaped_lone_surrogates_become_replacement_characters(string json)
    {
        var r = ToolCallParser.Parse(Wrap("hermes", json), ToolCallFormat.Hermes);
        var call = Assert.Single(r.Calls);
        using var doc = JsonDocument.Parse(call.ArgumentsJson);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            // Reading the values must not throw, and no lone surrogate may be left.
            var text = p.Name + (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
            Assert.DoesNotContain(text, c => char.IsSurrogate(c));
        }

        Assert.DoesNotContain(call.Name, c => char.IsSurrogate(c));
        Assert.Contains("\\ufffd", call.ArgumentsJson + JsonSerializer.Serialize(call.Name), StringComparison.OrdinalIgnoreCase);
        _ = r.ToJson();
    }

    [Fact]
    public void An_escaped_surrogate_pair_is_kept()
    {
        var call = Assert.Single(ToolCallParser.Parse(Wrap("hermes", """{"name": "f", "arguments": {"s": "\ud83d\ude00"}}"""), ToolCallFormat.Hermes).Calls);
        Assert.Equal("😀", JsonNode.Parse(call.ArgumentsJson)!["s"]!.GetValue<string>());
    }
}
