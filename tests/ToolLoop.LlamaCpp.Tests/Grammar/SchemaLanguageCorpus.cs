namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// Schemas with JSON texts: <c>Accept</c> are valid and the grammar must accept them; <c>Reject</c> are invalid
/// (not JSON, or not valid against the schema) and the grammar must reject them; <c>Narrower</c> are valid but
/// outside the grammar on purpose (llama.cpp's choices: properties in schema order, no additional properties unless
/// declared, compact constants, 16 digits, plain keys); <c>Wider</c> are invalid but accepted on purpose (a
/// <c>time</c> without offset, which is how .NET writes <c>TimeOnly</c>). JsonSchema.Net checks every label. The
/// schemas include the ones <c>AIFunctionFactory</c> declares for typical C# methods (<see cref="FunctionSchemas"/>).
/// </summary>
public static class SchemaLanguageCorpus
{
    public sealed record Entry(string Name, string Schema, string[] Accept, string[] Reject, string[]? Narrower = null, string[]? Wider = null)
    {
        public override string ToString() => Name;
    }

    public static IReadOnlyList<Entry> All { get; } = [.. Handwritten(), .. FunctionSchemas.Entries()];

    private static Entry[] Handwritten() =>
    [
        new("object with required and optional properties",
            """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":14},"unit":{"enum":["c","f"]}},"required":["city"],"additionalProperties":false}""",
            ["""{"city":"Paris"}""", """{"city": "Paris", "days": 3}""", """{"city":"x","days":14,"unit":"f"}""", """{"city":"","unit":"c"}""", """{ "city" : "Paris" }""", "{\n  \"city\": \"Paris\",\n  \"days\": 7\n}"],
            ["""{"city": 3}""", "{}", """{"city":"x","days":0}""", """{"city":"x","days":15}""", """{"city":"x","unit":"k"}""", """{"city":"x","extra":1}""", """{"days":3}""", """{"city":"Paris\"}""", """{"city":"a"b"}""", """{"city":"Paris",}"""],
            ["""{"days":3,"city":"x"}""", """{"city":"x","days":3.0}"""]),
        new("properties without additionalProperties",
            """{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}""",
            ["""{"a":1}"""], ["""{"a":"1"}""", """{}"""], ["""{"a":1,"b":2}"""]),
        new("integer between -12 and 207",
            """{"type":"integer","minimum":-12,"maximum":207}""",
            ["-12", "0", "207", "99", "-0", "100", "5"], ["-13", "208", "1000", "\"5\"", "5.5", "007", "-"], ["5.0", "2e2"]),
        new("integer at least 100", """{"type":"integer","minimum":100}""",
            ["100", "101", "999", "1000", "12345", "1099"], ["10", "99", "15", "-100", "0"]),
        new("integer at least 115", """{"type":"integer","minimum":115}""",
            ["115", "1000", "1099", "200", "116", "999"], ["114", "15", "100", "11"]),
        new("integer at least 105", """{"type":"integer","minimum":105}""",
            ["105", "106", "1000", "1005"], ["15", "104", "10"]),
        new("integer at most -5", """{"type":"integer","maximum":-5}""",
            ["-5", "-6", "-100", "-10"], ["-4", "0", "-05", "5", "-0"]),
        new("integer at most 30", """{"type":"integer","maximum":30}""",
            ["30", "0", "-1", "-1000", "29", "9"], ["31", "100", "300"]),
        new("exclusive integer bounds", """{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}""",
            ["1", "9"], ["0", "10", "-1"]),
        new("minimum and exclusiveMinimum together", """{"type":"integer","minimum":0,"exclusiveMinimum":5}""",
            ["6", "100"], ["5", "0", "3"]),
        new("fractional integer bounds", """{"type":"integer","minimum":1.5,"maximum":4.5}""",
            ["2", "4"], ["1", "5"]),
        new("string length", """{"type":"string","minLength":2,"maxLength":4}""",
            ["\"ab\"", "\"abcd\"", "\"é日\"", "\"\\n\\t\"", "\"\\u0041b\""], ["\"a\"", "\"abcde\"", "5", "\"\""]),
        new("number", """{"type":"number"}""",
            ["0", "-1.5", "1e10", "2.5E-3", "123"], ["01", "1.", ".5", "+1", "NaN", "\"1\"", "1e"]),
        new("boolean and null", """{"type":["boolean","null"]}""", ["true", "false", "null"], ["0", "\"true\"", "True"]),
        new("nullable string", """{"type":["string","null"]}""", ["\"x\"", "null"], ["1", "{}"]),
        new("email-like pattern", """{"type":"string","pattern":"^[a-z]+@[a-z]+\\.com$"}""",
            ["\"a@b.com\"", "\"joe@example.com\""], ["\"a@b.org\"", "\"A@b.com\"", "\"a@bxcom\""]),
        new("digits pattern", """{"type":"string","pattern":"^\\d{3}-\\d{4}$"}""",
            ["\"555-1234\""], ["\"55-1234\"", "\"5551234\"", "\"555-12345\""]),
        new("negated class pattern", """{"type":"string","pattern":"^[^\"]*$"}""",
            ["\"abc\"", "\"a\\\\b\"", "\"a\\nb\"", "\"\"", "\"é\""], ["\"a\\\"b\"", "\"a\"b\""], ["\"\\u0041\"", "\"\\u00e9\""]),
        new("dot pattern", """{"type":"string","pattern":"^.{2}$"}""",
            ["\"ab\"", "\"a\\\"\"", "\"a\\\\\"", "\"\\t!\""], ["\"abc\"", "\"a\\n\"", "\"a\"", "\"a\"\""]),
        new("unanchored pattern", """{"type":"string","pattern":"cat"}""",
            ["\"cat\"", "\"concatenate\"", "\"a cat\""], ["\"dog\"", "\"ca t\""]),
        new("alternation with anchors", """{"type":"string","pattern":"^ab|cd$"}""",
            ["\"ab\"", "\"abx\"", "\"xcd\"", "\"cd\""], ["\"xab\"", "\"cdx\"", "\"\""]),
        new("repeated group", """{"type":"string","pattern":"^(foo|bar)+$"}""",
            ["\"foobar\"", "\"bar\""], ["\"foob\"", "\"\""]),
        new("word and space classes", """{"type":"string","pattern":"^\\w+\\s\\w+$"}""",
            ["\"hello world\"", "\"a_1\\tb\""], ["\"hello  world\"", "\"hello-world\""]),
        new("escaped quantifier target", """{"type":"string","pattern":"^ab\\.?c$"}""",
            ["\"abc\"", "\"ab.c\""], ["\"ac\"", "\"ab..c\""]),
        new("quote and backslash in a pattern", """{"type":"string","pattern":"^\"\\\\$"}""",
            ["\"\\\"\\\\\""], ["\"\"\\\"", "\"\\\\\""]),
        new("date", """{"type":"string","format":"date"}""",
            ["\"2024-02-29\"", "\"2023-12-31\"", "\"2000-02-29\"", "\"2023-04-30\""], ["\"2023-02-29\"", "\"1900-02-29\"", "\"2024-13-01\"", "\"2024-04-31\"", "\"2024-1-01\"", "\"2024-00-10\""]),
        new("date-time", """{"type":"string","format":"date-time"}""",
            ["\"2024-01-01T10:00:00Z\"", "\"2024-01-01T10:00:00.123+02:00\"", "\"2024-06-30T23:59:59.1234567-05:30\""], ["\"2024-01-01T10:00:00\"", "\"2024-01-01T24:00:00Z\""], ["\"2024-01-01 10:00:00Z\"", "\"2024-01-01t10:00:00z\""]),
        new("uuid", """{"type":"string","format":"uuid"}""",
            ["\"12345678-1234-1234-1234-123456789abc\"", "\"ABCDEF01-2345-6789-ABCD-EF0123456789\""], ["\"12345678123412341234123456789abc\"", "\"12345678-1234-1234-1234-123456789ab\""]),
        new("array of strings with counts", """{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3}""",
            ["[\"a\"]", "[\"a\",\"b\",\"c\"]", "[ \"a\", \"b\" ]"], ["[]", "[\"a\",\"b\",\"c\",\"d\"]", "[1]", "[\"a\",]"]),
        new("closed tuple", """{"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}],"items":false}""",
            ["[1,\"a\"]", "[1, \"a\"]"], ["[1,\"a\",2]", "[\"a\",1]"], ["[1]", "[]"]),
        new("tuple with more items", """{"type":"array","prefixItems":[{"type":"integer"}],"items":{"type":"boolean"}}""",
            ["[1]", "[1,true,false]"], ["[1,2]", "[true]"], ["[]"]),
        new("anyOf", """{"anyOf":[{"type":"string"},{"type":"integer"}]}""", ["\"a\"", "5"], ["true", "1.5", "null"]),
        new("disjoint oneOf", """{"oneOf":[{"type":"string","maxLength":1},{"type":"integer","minimum":10}]}""", ["\"a\"", "10"], ["\"ab\"", "5"]),
        new("allOf of objects", """{"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"type":"object","properties":{"b":{"type":"string"}}}]}""",
            ["{\"a\":1}", "{\"a\":1,\"b\":\"x\"}"], ["{\"b\":\"x\"}", "{\"a\":\"x\"}", "{\"a\":1,\"b\":2}"]),
        new("allOf of enums", """{"allOf":[{"enum":["a","b","c"]},{"enum":["b","c","d"]}]}""", ["\"b\"", "\"c\""], ["\"a\"", "\"d\""]),
        new("recursive $ref", """{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["value"],"additionalProperties":false}},"$ref":"#/$defs/node"}""",
            ["{\"value\":1}", "{\"value\":1,\"next\":{\"value\":2,\"next\":null}}"], ["{\"value\":1,\"next\":{\"next\":null}}", "{\"value\":1,\"next\":3}"]),
        new("$ref to the root", """{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["name"],"additionalProperties":false}""",
            ["{\"name\":\"a\"}", "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]}"], ["{\"name\":\"a\",\"children\":[{}]}"]),
        new("enum of mixed values", """{"enum":[1,"two",null,[3],{"k":true}]}""",
            ["1", "\"two\"", "null", "[3]", "{\"k\":true}"], ["2", "[3,4]", "\"three\""], ["[ 3 ]", "{\"k\": true}"]),
        new("const with escapes", """{"const":"a\"b\\c\n"}""", ["\"a\\\"b\\\\c\\n\""], ["\"a\\\"b\\\\c\"", "\"ab\""], ["\"a\\u0022b\\\\c\\n\""]),
        new("map of integers", """{"type":"object","additionalProperties":{"type":"integer"}}""",
            ["{}", "{\"a\":1,\"b\":2}", "{ \"x\": -3 }"], ["{\"a\":\"x\"}", "{\"a\":1.5}", "[]"], ["{\"x\" : -3}"]),
        new("properties and additional properties", """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":{"type":"number"}}""",
            ["{\"name\":\"x\"}", "{\"name\":\"x\",\"age\":3}", "{\"name\":\"x\",\"n\":1,\"namex\":2}"], ["{\"name\":\"x\",\"age\":\"y\"}", "{\"age\":3}", "{\"name\":\"x\",\"\\\":1}"],
            ["{\"name\":\"x\",\"\\\\\":1}", "{\"age\":3,\"name\":\"x\"}"]),
        new("empty closed object", """{"type":"object","properties":{},"additionalProperties":false}""", ["{}", "{ }"], ["{\"a\":1}", "[]"]),
        new("any value", """{}""", ["1", "\"x\"", "null", "[1,{\"a\":[]}]", "{\"a\":{\"b\":null}}"], ["", "{", "[1,]", "tru", "\"\\x\""]),
        new("boolean schema", """{"type":"object","properties":{"anything":true},"required":["anything"]}""", ["{\"anything\":[1,2]}", "{\"anything\":null}"], ["{}"]),
    ];
}
