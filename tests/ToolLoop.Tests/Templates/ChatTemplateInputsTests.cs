using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.Templates;

public sealed class ChatTemplateInputsTests
{
    private static JsonObject Map(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, ChatTemplateOptions? options = null) =>
        ChatTemplateInputs.Create(messages, chatOptions, options);

    [Fact]
    public void System_and_user_messages_map_to_role_and_content()
    {
        var vars = Map([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")]);
        Assert.Equal("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]""", vars["messages"]!.ToJsonString());
        Assert.Null(vars["tools"]);
        Assert.True(vars.ContainsKey("tools"));
        Assert.True(vars["add_generation_prompt"]!.GetValue<bool>());
        Assert.False(vars.ContainsKey("enable_thinking"));
        Assert.False(vars.ContainsKey("bos_token"));
    }

    [Fact]
    public void Assistant_tool_calls_use_the_openai_shape_with_arguments_as_an_object()
    {
        var call = new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?>
        {
            ["city"] = "Paris",
            ["days"] = 3,
            ["metric"] = true,
            ["tags"] = new[] { "a", "b" },
            ["raw"] = JsonElement.Parse("""{"x": [1, 2.5, null]}"""),
            ["none"] = null,
        });
        var vars = Map([new(ChatRole.User, "?"), new(ChatRole.Assistant, [new TextContent("Checking."), call])]);
        var assistant = vars["messages"]![1]!;
        Assert.Equal("assistant", assistant["role"]!.GetValue<string>());
        Assert.Equal("Checking.", assistant["content"]!.GetValue<string>());
        Assert.Equal(
            """[{"type":"function","id":"call_1","function":{"name":"get_weather","arguments":{"city":"Paris","days":3,"metric":true,"tags":["a","b"],"raw":{"x":[1,2.5,null]},"none":null}}}]""",
            assistant["tool_calls"]!.ToJsonString());
    }

    [Fact]
    public void Assistant_message_with_only_calls_has_empty_content_not_null()
    {
        var vars = Map([new(ChatRole.Assistant, [new FunctionCallContent("c", "f")])]);
        var m = vars["messages"]![0]!;
        Assert.Equal("", m["content"]!.GetValue<string>());
        Assert.Equal("{}", m["tool_calls"]![0]!["function"]!["arguments"]!.ToJsonString());
    }

    [Fact]
    public void Each_function_result_becomes_a_tool_message_named_after_its_call()
    {
        var vars = Map(
        [
            new(ChatRole.Assistant, [new FunctionCallContent("a1", "get_weather"), new FunctionCallContent("a2", "search")]),
            new(ChatRole.Tool, [new FunctionResultContent("a1", "sunny"), new FunctionResultContent("a2", JsonElement.Parse("""{"hits": 2}"""))]),
            new(ChatRole.Tool, [new FunctionResultContent("zz", null) { Exception = new InvalidOperationException("boom") }]),
        ]);
        var messages = vars["messages"]!.AsArray();
        Assert.Equal(4, messages.Count);
        Assert.Equal("""{"role":"tool","tool_call_id":"a1","name":"get_weather","content":"sunny"}""", messages[1]!.ToJsonString());
        Assert.Equal("""{"role":"tool","tool_call_id":"a2","name":"search","content":"{\u0022hits\u0022: 2}"}""", messages[2]!.ToJsonString());
        Assert.Equal("Error: boom", messages[3]!["content"]!.GetValue<string>());
        Assert.Equal("", messages[3]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Reasoning_maps_to_reasoning_content_and_thinking_flag_is_passed()
    {
        var vars = Map(
            [new(ChatRole.Assistant, [new TextReasoningContent("step 1. "), new TextReasoningContent("step 2."), new TextContent("Answer")])],
            options: new ChatTemplateOptions { EnableThinking = false, BosToken = "<s>", EosToken = "</s>", AddGenerationPrompt = false });
        var m = vars["messages"]![0]!;
        Assert.Equal("step 1. step 2.", m["reasoning_content"]!.GetValue<string>());
        Assert.Equal("Answer", m["content"]!.GetValue<string>());
        Assert.False(vars["enable_thinking"]!.GetValue<bool>());
        Assert.False(vars["add_generation_prompt"]!.GetValue<bool>());
        Assert.Equal("<s>", vars["bos_token"]!.GetValue<string>());
        Assert.Equal("</s>", vars["eos_token"]!.GetValue<string>());
    }

    [Fact]
    public void Messages_without_reasoning_have_no_reasoning_content()
    {
        var vars = Map([new(ChatRole.Assistant, "plain")]);
        Assert.False(vars["messages"]![0]!.AsObject().ContainsKey("reasoning_content"));
    }

    [Fact]
    public void Function_declarations_map_to_tools_and_other_tools_are_skipped()
    {
        var decl = AIFunctionFactory.CreateDeclaration("lookup", "Look it up.", JsonElement.Parse("""{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}"""));
        var vars = Map([new(ChatRole.User, "x")], new ChatOptions { Tools = [decl, new HostedWebSearchTool()] });
        Assert.Equal(
            """[{"type":"function","function":{"name":"lookup","description":"Look it up.","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}]""",
            vars["tools"]!.ToJsonString());
        Assert.Null(Map([new(ChatRole.User, "x")], new ChatOptions { Tools = [new HostedWebSearchTool()] })["tools"]);
    }

    [Fact]
    public void Tools_from_a_real_AIFunction_keep_its_schema()
    {
        var fn = AIFunctionFactory.Create((string city, int days) => $"{city}:{days}", "forecast", "Forecast.");
        var tools = ChatTemplateInputs.MapTools([fn])!;
        var parameters = tools[0]!["function"]!["parameters"]!;
        Assert.Equal("object", parameters["type"]!.GetValue<string>());
        Assert.NotNull(parameters["properties"]!["city"]);
        Assert.NotNull(parameters["properties"]!["days"]);
    }

    [Fact]
    public void Additional_arguments_override_and_are_copied()
    {
        var options = new ChatTemplateOptions();
        options.AdditionalArguments["reasoning_effort"] = "high";
        options.AdditionalArguments["add_generation_prompt"] = false;
        var vars = Map([new(ChatRole.User, "x")], options: options);
        Assert.Equal("high", vars["reasoning_effort"]!.GetValue<string>());
        Assert.False(vars["add_generation_prompt"]!.GetValue<bool>());
        Assert.NotSame(options.AdditionalArguments["reasoning_effort"], vars["reasoning_effort"]);
    }

    [Fact]
    public void Mapped_conversation_renders_through_a_chatml_template()
    {
        const string template = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {% if m.tool_calls %}{% for tc in m.tool_calls %}<tool_call>{"name": "{{ tc.function.name }}", "arguments": {{ tc.function.arguments | tojson }}}</tool_call>{% endfor %}{% else %}{{ m.content }}{% endif %}<|im_end|>
            {% endfor %}
            """;
        var vars = Map(
        [
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Zürich" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]),
        ]);
        Assert.Equal(
            "<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}</tool_call><|im_end|>\n<|im_start|>tool\nsunny<|im_end|>\n",
            ChatTemplate.Parse(template).Render(vars));
    }
}
