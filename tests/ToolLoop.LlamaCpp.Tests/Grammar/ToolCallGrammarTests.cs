using System.ComponentModel;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Grammar;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// The per-family call grammars: every text they derive (sampled at random) is parsed by ToolLoop's parser for that
/// family into calls of declared tools whose arguments JsonSchema.Net accepts; malformed calls are outside them; the
/// lazy triggers start them; the forced and response-format variants.
/// </summary>
public sealed class ToolCallGrammarTests
{
    public enum Unit
    {
        Celsius,
        Fahrenheit,
    }

    [Description("Gets the weather")]
    private static string GetWeather(string city, Unit unit = Unit.Celsius) => city + unit;

    private static int Add(int a, int b) => a + b;

    private static string Note(string text, string[]? tags = null, int? priority = null) => text + tags?.Length + priority;

    public static IReadOnlyList<AIFunctionDeclaration> Tools { get; } =
    [
        AIFunctionFactory.Create(GetWeather, "get_weather"),
        AIFunctionFactory.Create(Add, "add"),
        AIFunctionFactory.Create(Note, "note"),
        AIFunctionFactory.Create(() => "pong", "ping"),
    ];

    public const string MistralV13Template = "{{ '[AVAILABLE_TOOLS]' }}{{ '[TOOL_CALLS]' + name + '[ARGS]' + args }}";
    public const string MistralV11Template = "{{ '[TOOL_CALLS]' + name + '[CALL_ID]' + id + '[ARGS]' + args }}";
    public const string MistralArrayTemplate = "{{ '[TOOL_CALLS] [' + calls + ']' }}";

    public static TheoryData<string> Families() =>
    [
        "hermes", "qwen3-coder", "qwen3-coder-thinking", "llama3", "mistral-array", "mistral-v11", "mistral-v13", "glm", "kimi",
    ];

    internal static (ToolCallFormat Format, string? Template) Family(string name) => name switch
    {
        "hermes" => (ToolCallFormat.Hermes, null),
        "qwen3-coder" => (ToolCallFormat.Qwen3Coder, null),
        "qwen3-coder-thinking" => (ToolCallFormat.Qwen3Coder, "<think>"),
        "llama3" => (ToolCallFormat.Llama3, null),
        "mistral-array" => (ToolCallFormat.Mistral, MistralArrayTemplate),
        "mistral-v11" => (ToolCallFormat.Mistral, MistralV11Template),
        "mistral-v13" => (ToolCallFormat.Mistral, MistralV13Template),
        "glm" => (ToolCallFormat.Glm, null),
        "kimi" => (ToolCallFormat.Kimi, null),
        _ => throw new ArgumentException(name),
    };

    internal static GrammarPlan Plan(string family, ChatOptions? options = null, string? closer = null, IReadOnlyList<AIFunctionDeclaration>? tools = null)
    {
        var (format, template) = Family(family);
        return ToolCallGrammar.Plan(format, tools ?? Tools, options ?? new ChatOptions { Tools = [.. Tools] }, template, closer)!;
    }

    private static ToolCallParserOptions ParserOptions(bool startInReasoning = false)
    {
        var o = new ToolCallParserOptions { StartInReasoning = startInReasoning };
        foreach (var t in Tools)
        {
            o.Tools.Add(new DeclaredTool(t.Name, t.JsonSchema));
        }

        return o;
    }

    private static void AssertValidCalls(string text, ToolCallFormat format, bool startInReasoning = false, string? onlyTool = null)
    {
        var result = ToolCallParser.Parse(text, format, ParserOptions(startInReasoning));
        Assert.True(result.Problems.Count == 0, $"problems in {JsonSerializer.Serialize(text)}: {string.Join("; ", result.Problems.Select(p => p.Message))}");
        Assert.True(result.Calls.Count > 0, $"no call in {JsonSerializer.Serialize(text)}");
        Assert.True(string.IsNullOrWhiteSpace(result.Content), $"content {JsonSerializer.Serialize(result.Content)} in {JsonSerializer.Serialize(text)}");
        foreach (var call in result.Calls)
        {
            var tool = Tools.SingleOrDefault(t => t.Name == call.Name);
            Assert.True(tool is not null, $"undeclared {call.Name} in {JsonSerializer.Serialize(text)}");
            Assert.True(onlyTool is null || call.Name == onlyTool, $"{call.Name} is not {onlyTool}");
            Assert.False(call.Healed, $"healed call in {JsonSerializer.Serialize(text)}");
            Assert.True(ReferenceValidator.IsValid(tool.JsonSchema.GetRawText(), call.ArgumentsJson), $"{call.Name} arguments {call.ArgumentsJson} are invalid (from {JsonSerializer.Serialize(text)})");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_derived_call_parses_into_declared_tools_with_valid_arguments(string family)
    {
        var plan = Plan(family);
        Assert.True(plan.Lazy);
        Assert.Empty(plan.Warnings);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        var random = new Random(family.Length * 31);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 300; i++)
        {
            var text = grammar.Sample(random, plan.Root);
            Assert.True(grammar.Accepts(text, plan.Root));
            AssertValidCalls(text, Family(family).Format);
            names.UnionWith(ToolCallParser.Parse(text, Family(family).Format, ParserOptions()).Calls.Select(c => c.Name));
        }

        // The samples reach every tool.
        Assert.Equal(Tools.Select(t => t.Name).Order(), names.Order());
    }

    public static TheoryData<string, string, bool> Texts() => new()
    {
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", true },
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"Fahrenheit\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": -2}}\n</tool_call>", true },
        { "hermes", "<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>", true },
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": 3}}\n</tool_call>", false },
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"Kelvin\"}}\n</tool_call>", false },
        { "hermes", "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>", false },
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}\n</tool_call>", false },
        { "hermes", "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1}}\n</tool_call>", false },
        { "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>Done.", false },
        { "qwen3-coder", "<tool_call>\n<function=get_weather>\n<parameter=city>\nNew\nYork\n</parameter>\n</function>\n</tool_call>", true },
        { "qwen3-coder", "<function=add>\n<parameter=a>\n1\n</parameter>\n<parameter=b>\n2\n</parameter>\n</function>\n</tool_call>", true },
        { "qwen3-coder", "<tool_call>\n<function=note>\n<parameter=text>\nhi\n</parameter>\n<parameter=tags>\n[\"a\"]\n</parameter>\n</function>\n</tool_call>", true },
        { "qwen3-coder", "<tool_call>\n<function=add>\n<parameter=a>\none\n</parameter>\n<parameter=b>\n2\n</parameter>\n</function>\n</tool_call>", false },
        { "qwen3-coder", "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=unit>\nKelvin\n</parameter>\n</function>\n</tool_call>", false },
        { "qwen3-coder", "<tool_call>\n<function=get_weather>\n<parameter=town>\nParis\n</parameter>\n</function>\n</tool_call>", false },
        { "llama3", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", true },
        { "llama3", "<|python_tag|>{\"name\": \"add\", \"parameters\": {\"a\": 1, \"b\": 2}}; {\"name\": \"ping\", \"parameters\": {}}", true },
        { "llama3", "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}", false },
        { "llama3", "{\"name\": \"add\", \"parameters\": {\"a\": \"1\", \"b\": 2}}", false },
        { "mistral-v13", "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]add[ARGS]{\"a\": 1, \"b\": 2}", true },
        { "mistral-v13", "[TOOL_CALLS]get_weather[ARGS]{\"city\": null}", false },
        { "mistral-v11", "[TOOL_CALLS]get_weather[CALL_ID]abc123XYZ[ARGS]{\"city\": \"Paris\"}", true },
        { "mistral-v11", "[TOOL_CALLS]get_weather[CALL_ID]abc[ARGS]{\"city\": \"Paris\"}", false },
        { "mistral-array", "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abc123XYZ\"}, {\"name\": \"ping\", \"arguments\": {}}]", true },
        { "mistral-array", "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}", false },
        { "glm", "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>", true },
        { "glm", "<tool_call>add<arg_key>a</arg_key><arg_value>1</arg_value><arg_key>b</arg_key><arg_value>2</arg_value></tool_call>", true },
        { "glm", "<tool_call>add<arg_key>a</arg_key><arg_value>x</arg_value><arg_key>b</arg_key><arg_value>2</arg_value></tool_call>", false },
        { "kimi", "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|><|tool_calls_section_end|>", true },
        { "kimi", "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_time:0<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>", false },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Well_formed_calls_are_in_and_malformed_ones_out(string family, string text, bool accepted)
    {
        var plan = Plan(family);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        Assert.Equal(accepted, grammar.Accepts(text, plan.Root));
        if (accepted)
        {
            AssertValidCalls(text, Family(family).Format);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Each_trigger_word_starts_the_grammar(string family)
    {
        var plan = Plan(family);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        Assert.NotEmpty(plan.TriggerWords);
        foreach (var word in plan.TriggerWords)
        {
            Assert.True(grammar.AcceptsPrefix(word, plan.Root), $"{word} does not start the grammar");
        }

        // The grammar does not start with anything else: a trigger's text is all it can be fed first.
        Assert.False(grammar.AcceptsPrefix("Sure, ", plan.Root));
    }

    [Fact]
    public void The_llama3_pattern_waits_for_a_call_at_the_start_and_hands_the_grammar_a_prefix_it_accepts()
    {
        var plan = Plan("llama3");
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        var pattern = new Regex(Assert.Single(plan.TriggerPatterns), RegexOptions.ECMAScript);
        foreach (var output in new[] { "{\"name\": \"get_weather\"", "\n {\"name\":\"add\"", "{\n  \"name\": \"ping\"" })
        {
            var match = pattern.Match(output);
            Assert.True(match.Success, output);
            Assert.True(grammar.AcceptsPrefix(output[match.Groups[1].Index..], plan.Root), output[match.Groups[1].Index..]);
        }

        Assert.DoesNotMatch(pattern, "Here is JSON: {\"name\": \"x\"}");
        Assert.DoesNotMatch(pattern, "{\"city\": \"Paris\"}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void RequireSpecific_forces_that_tool_from_the_first_token(string family)
    {
        var plan = Plan(family, new ChatOptions { Tools = [.. Tools], ToolMode = ChatToolMode.RequireSpecific("add") });
        Assert.False(plan.Lazy);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            AssertValidCalls(grammar.Sample(random, plan.Root), Family(family).Format, onlyTool: "add");
        }
    }

    [Fact]
    public void RequireSpecific_of_an_undeclared_tool_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Plan("hermes", new ChatOptions { ToolMode = ChatToolMode.RequireSpecific("nope") }));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireAny_allows_reasoning_the_prompt_left_open_then_forces_a_call()
    {
        var plan = Plan("hermes", new ChatOptions { Tools = [.. Tools], ToolMode = ChatToolMode.RequireAny }, closer: "</think>");
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        const string Call = "<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>";
        Assert.True(grammar.Accepts("Let me think. </thin> no\n</think>\n\n" + Call, plan.Root));
        Assert.False(grammar.Accepts(Call, plan.Root));
        Assert.False(grammar.Accepts("thinking</think>\nThe answer is 4.", plan.Root));
        var random = new Random(3);
        for (var i = 0; i < 50; i++)
        {
            AssertValidCalls(grammar.Sample(random, plan.Root), ToolCallFormat.Hermes, startInReasoning: true);
        }
    }

    [Fact]
    public void RequireAny_with_a_thinking_template_allows_an_optional_reasoning_block()
    {
        var plan = ToolCallGrammar.Plan(ToolCallFormat.Hermes, Tools, new ChatOptions { ToolMode = ChatToolMode.RequireAny }, "{{ '<think>' }}", null)!;
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        const string Call = "<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>";
        Assert.True(grammar.Accepts(Call, plan.Root));
        Assert.True(grammar.Accepts("<think>hmm</think>\n" + Call, plan.Root));
        Assert.False(grammar.Accepts("Sure! " + Call, plan.Root));
    }

    private const string ResponseSchema = """{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number"},"tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}},"required":["answer","confidence"],"additionalProperties":false}""";

    [Fact]
    public void ResponseFormat_constrains_the_answer_to_its_schema()
    {
        using var schema = JsonDocument.Parse(ResponseSchema);
        var plan = ToolCallGrammar.Plan(ToolCallFormat.Hermes, [], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "answer") }, null, null)!;
        Assert.False(plan.Lazy);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var text = grammar.Sample(random, plan.Root);
            Assert.True(ReferenceValidator.IsValid(ResponseSchema, text), text);
        }

        Assert.False(grammar.Accepts("{\"answer\": \"x\"}", plan.Root));
        Assert.False(grammar.Accepts("Here you go: {\"answer\": \"x\", \"confidence\": 1}", plan.Root));
    }

    [Fact]
    public void ResponseFormat_Json_without_a_schema_is_any_object()
    {
        var plan = ToolCallGrammar.Plan(ToolCallFormat.Auto, [], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, null, null)!;
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        Assert.True(grammar.Accepts("{\"a\": [1, {\"b\": null}]}", plan.Root));
        Assert.False(grammar.Accepts("[1]", plan.Root));
        Assert.False(grammar.Accepts("hello", plan.Root));
    }

    [Fact]
    public void ResponseFormat_with_tools_is_a_call_or_the_answer()
    {
        using var schema = JsonDocument.Parse(ResponseSchema);
        var plan = Plan("hermes", new ChatOptions { Tools = [.. Tools], ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "answer") });
        Assert.False(plan.Lazy);
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        Assert.True(grammar.Accepts("<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>", plan.Root));
        Assert.True(grammar.Accepts("{\"answer\": \"x\", \"confidence\": 0.5}", plan.Root));
        Assert.False(grammar.Accepts("The answer is x.", plan.Root));
    }

    [Fact]
    public void A_response_schema_that_cannot_be_converted_is_an_argument_error()
    {
        using var schema = JsonDocument.Parse("""{"type":"kaboom"}""");
        var error = Assert.Throws<ArgumentException>(() => ToolCallGrammar.Plan(ToolCallFormat.Hermes, [], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "x") }, null, null));
        Assert.Contains("kaboom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_schema_that_cannot_be_converted_takes_any_object_with_a_warning()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"x":{"$ref":"http://example.com/other.json"}}}""");
        var tool = AIFunctionFactory.CreateDeclaration("remote", "uses a remote schema", schema.RootElement.Clone());
        var plan = ToolCallGrammar.Plan(ToolCallFormat.Hermes, [tool], new ChatOptions { Tools = [tool] }, null, null)!;
        Assert.Contains(plan.Warnings, w => w.Contains("remote", StringComparison.Ordinal));
        Assert.True(GbnfRecognizer.Parse(plan.Gbnf).Accepts("<tool_call>\n{\"name\": \"remote\", \"arguments\": {\"x\": 1, \"y\": [2]}}\n</tool_call>", plan.Root));
    }

    [Fact]
    public void Single_call_when_parallel_calls_are_off()
    {
        var plan = Plan("hermes", new ChatOptions { Tools = [.. Tools], AllowMultipleToolCalls = false });
        var grammar = GbnfRecognizer.Parse(plan.Gbnf);
        const string Call = "<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n</tool_call>";
        Assert.True(grammar.Accepts(Call, plan.Root));
        Assert.False(grammar.Accepts(Call + "\n" + Call, plan.Root));
    }

    [Theory]
    [InlineData(ToolCallFormat.Auto)]
    [InlineData(ToolCallFormat.DeepSeek)]
    [InlineData(ToolCallFormat.Gemma4)]
    public void Families_without_a_call_grammar_are_unconstrained_with_a_warning(ToolCallFormat format)
    {
        var plan = ToolCallGrammar.Plan(format, Tools, new ChatOptions { Tools = [.. Tools] }, null, null);
        Assert.NotNull(plan);
        Assert.Equal("", plan.Gbnf);
        Assert.NotEmpty(plan.Warnings);
        Assert.Null(ToolCallGrammar.Plan(format, [], new ChatOptions(), null, null));
    }
}
