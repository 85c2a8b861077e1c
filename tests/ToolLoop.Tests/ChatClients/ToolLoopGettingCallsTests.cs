using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopGettingCallsTests
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F01_StructuredAndParsedCalls_AreExecutedTheSameWay(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = new TestFunction("get_weather", (a, _) => ValueTask.FromResult<object?>("sunny in " + a["city"]), CitySchema);
            var parsed = FunctionCallContent.CreateFromParsedArguments(
                """{"city":"Rome"}""", "b", "get_weather",
                s => JsonSerializer.Deserialize<Dictionary<string, object?>>(s, AIJsonUtilities.DefaultOptions));
            var script = new ScriptedChatClient(
                new ScriptedTurn(ScriptedTurn.Call("a", "get_weather", new { city = "Paris" }), parsed),
                ScriptedTurn.Text("Paris and Rome are sunny."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather)) { Items = { ["weather"] = weather } };
        });

        var weather = run.Scenario.Item<TestFunction>("weather");
        Assert.Equal(["""{"city":"Paris"}""", """{"city":"Rome"}"""], weather.Invocations);
        Assert.Equal("sunny in Paris", run.ResultText("a"));
        Assert.Equal("sunny in Rome", run.ResultText("b"));
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("Paris and Rome are sunny.", run.Response.Messages[^1].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F01_InformationalOnlyCalls_PassThroughAndAreNotExecuted(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var search = TestFunction.Returning("web_search", "should not run");
            var informational = ScriptedTurn.Call("srv1", "web_search", new { q = "news" });
            informational.InformationalOnly = true;
            var script = new ScriptedChatClient(new ScriptedTurn(informational, new FunctionResultContent("srv1", "server-side results"), new TextContent("Here is the news.")));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(search)) { Items = { ["search"] = search } };
        });

        Assert.Equal(0, run.Scenario.Item<TestFunction>("search").Count);
        Assert.Single(run.Scenario.Script.Requests);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Contains("call[srv1:web_search{\"q\":\"news\"}]", run.History, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F02_UndeclaredToolName_GetsUnknownToolResult_AndIsNotExecuted(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("get_weather", "sunny", CitySchema);
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("c1", "delete_everything", new { really = true })),
                ScriptedTurn.Text("Sorry, I cannot do that."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather)) { Items = { ["weather"] = weather } };
        });

        var result = run.ResultText("c1");
        Assert.Contains("Unknown tool 'delete_everything'", result, StringComparison.Ordinal);
        Assert.Contains("get_weather", result, StringComparison.Ordinal);
        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        Assert.Equal(2, run.Scenario.Script.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F03_ProseStreamsLive_ReasoningStaysReasoning(bool streaming)
    {
        var firstChunkSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LoopScenario Make(bool gated) => new(new ScriptedChatClient(
            new ScriptedTurn(new TextReasoningContent("The user greets me."), new TextContent("Hello there, how can I help?"))
            {
                TextChunkSize = 6,
                BeforeUpdate = gated
                    ? async (i, ct) =>
                    {
                        // The second text chunk is only produced once the caller has seen the first one.
                        if (i == 2)
                        {
                            await firstChunkSeen.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                        }
                    }
                    : null,
            }));

        var run = await LoopHarness.RunBothAsync(streaming, () => Make(gated: false));
        var message = Assert.Single(run.Response.Messages);
        Assert.Equal("Hello there, how can I help?", message.Text);
        Assert.Equal("The user greets me.", Assert.Single(message.Contents.OfType<TextReasoningContent>()).Text);
        Assert.DoesNotContain(message.Contents.OfType<TextContent>(), t => t.Text.Contains("The user greets me", StringComparison.Ordinal));

        if (streaming)
        {
            var scenario = Make(gated: true);
            var texts = new List<string>();
            await foreach (var update in scenario.Loop.GetStreamingResponseAsync(scenario.Messages, null, TestContext.Current.CancellationToken))
            {
                foreach (var text in update.Contents.OfType<TextContent>())
                {
                    texts.Add(text.Text);
                    firstChunkSeen.TrySetResult();
                }
            }

            Assert.Equal("Hello ", texts[0]);
            Assert.True(texts.Count > 1);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F04_StreamingAndNonStreaming_GiveTheSameFinalHistory(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = new TestFunction("get_weather", (a, _) => ValueTask.FromResult<object?>(new { city = a["city"]?.ToString(), celsius = 21 }), CitySchema);
            var time = TestFunction.Returning("get_time", "12:00");
            var script = new ScriptedChatClient(
                new ScriptedTurn(
                    new TextReasoningContent("Need weather and time."),
                    new TextContent("Let me check both."),
                    ScriptedTurn.Call("c1", "get_weather", new { city = "Oslo" }),
                    ScriptedTurn.Call("c2", "get_time"))
                { TextChunkSize = 3, Usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 9 } },
                new ScriptedTurn(new TextReasoningContent("Now answer."), new TextContent("It is 21 °C in Oslo at noon.")) { TextChunkSize = 4 });
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather, time));
        });

        Assert.Equal(
            "assistant: reasoning[Need weather and time.] text[Let me check both.] call[c1:get_weather{\"city\":\"Oslo\"}] call[c2:get_time{}]\n" +
            "tool: result[c1:{\"city\":\"Oslo\",\"celsius\":21}] result[c2:12:00]\n" +
            "assistant: reasoning[Now answer.] text[It is 21 °C in Oslo at noon.]\n",
            run.History);
    }
}
