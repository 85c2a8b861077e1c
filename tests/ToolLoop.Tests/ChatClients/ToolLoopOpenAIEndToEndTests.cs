using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>
/// A real Microsoft.Extensions.AI client end to end: <c>OpenAI.Chat.ChatClient(...).AsIChatClient()</c> against a small
/// OpenAI-compatible server on 127.0.0.1 that returns raw <c>&lt;tool_call&gt;</c> text, through <c>UseToolLoop</c>.
/// </summary>
public sealed class ToolLoopOpenAIEndToEndTests
{
    private const string CallText = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Bergen\"}}\n</tool_call>";

    private static string Reply(JsonElement request)
        => request.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("role").GetString() == "tool")
            ? "It is 11 °C and raining in Bergen."
            : CallText;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAIClient_RawToolCallText_RunsThroughUseToolLoop(bool streaming)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIServer.StartAsync(Reply, ct);
        var cities = new List<string>();
        var weather = AIFunctionFactory.Create(
            (string city) =>
            {
                cities.Add(city);
                return $"{city}: 11 °C, rain";
            },
            "get_weather",
            "Gets the weather for a city.");
        IChatClient openAI = new OpenAI.Chat.ChatClient("local-model", new ApiKeyCredential("not-used"), new OpenAIClientOptions { Endpoint = server.Endpoint }).AsIChatClient();
        using var agent = openAI.AsBuilder().UseToolLoop(o => o.TextToolCalls = ToolCallFormat.Hermes).Build();

        List<ChatMessage> messages = [new(ChatRole.User, "What's the weather in Bergen?")];
        var options = new ChatOptions { Tools = [weather] };
        var response = streaming
            ? await agent.GetStreamingResponseAsync(messages, options, ct).ToChatResponseAsync(ct)
            : await agent.GetResponseAsync(messages, options, ct);

        Assert.Equal(["Bergen"], cities);
        Assert.Equal(ToolLoopStopReasons.Completed, response.AdditionalProperties![ToolLoopPropertyNames.StopReason]);
        Assert.Equal("It is 11 °C and raining in Bergen.", response.Messages[^1].Text);
        Assert.DoesNotContain("<tool_call>", response.Text, StringComparison.Ordinal);
        LoopHarness.AssertWellFormed(response.Messages);

        // What the server saw: the tool offered, then the call as a structured tool call and its result by id.
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("get_weather", server.Requests[0].GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        var sent = server.Requests[1].GetProperty("messages").EnumerateArray().ToList();
        var assistant = sent.Single(m => m.GetProperty("role").GetString() == "assistant");
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Bergen", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        var tool = sent.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal(call.GetProperty("id").GetString(), tool.GetProperty("tool_call_id").GetString());
        Assert.Contains("11 °C", tool.GetProperty("content").ToString(), StringComparison.Ordinal);
    }
}
