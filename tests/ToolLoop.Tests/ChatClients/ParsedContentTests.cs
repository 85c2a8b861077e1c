using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Tests.ChatClients;

/// <summary>How parser events become M.E.AI contents (the parser's half: additional fields, problems, surrogates).</summary>
public sealed class ParsedContentTests
{
    private static List<AIContent> Contents(string text, ToolCallFormat format)
    {
        using var parser = new StreamingToolCallParser(format);
        var events = new List<ToolCallParseEvent>();
        parser.Append(text.AsSpan(), events);
        parser.Complete(events);
        return [.. events.Select(ParsedContent.ToContent)];
    }

    [Fact]
    public void Additional_fields_become_additional_properties_but_never_toolloop_keys()
    {
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Contents(
            """<tool_call>{"name": "f", "arguments": {"a": 1}, "index": 3, "toolloop.healed": true}</tool_call>""", ToolCallFormat.Hermes)));
        Assert.Equal(3, ((JsonElement)call.AdditionalProperties!["index"]!).GetInt32());
        Assert.False(call.AdditionalProperties.ContainsKey(ToolLoopPropertyNames.Healed));
        Assert.Equal(1, ((JsonElement)call.Arguments!["a"]!).GetInt32());
    }

    [Fact]
    public void A_malformed_call_with_a_readable_name_is_a_failed_function_call()
    {
        // Hermes, Llama 3 and Mistral used to leave the name out, so the loop could not tell the model its call failed.
        foreach (var (text, format) in new[]
        {
            ("""<tool_call>{"name": "get_weather", "arguments": {city: Paris}}</tool_call>""", ToolCallFormat.Hermes),
            ("""<|python_tag|>{"name": "get_weather", "parameters": {city: Paris}}""", ToolCallFormat.Llama3),
            ("""[TOOL_CALLS][{"name": "get_weather", "arguments": {city: Paris}}]""", ToolCallFormat.Mistral),
        })
        {
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(Contents(text, format)));
            Assert.Equal("get_weather", call.Name);
            Assert.NotNull(call.Exception);
        }
    }

    [Fact]
    public void Lone_surrogates_do_not_break_the_conversion()
    {
        var contents = Contents("Hi \uD800 <tool_call>{\"name\": \"f\", \"arguments\": {\"s\": \"\\udc00\"}}</tool_call>", ToolCallFormat.Hermes);
        Assert.Equal("Hi \uFFFD", Assert.IsType<TextContent>(contents[0]).Text);
        var call = Assert.IsType<FunctionCallContent>(contents[1]);
        Assert.Null(call.Exception);
        Assert.Equal("\uFFFD", ((JsonElement)call.Arguments!["s"]!).GetString());
    }
}
