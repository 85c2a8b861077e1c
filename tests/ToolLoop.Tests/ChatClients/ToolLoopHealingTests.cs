using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopHealingTests
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";
    private const string TypedSchema = """{"type":"object","properties":{"days":{"type":"integer"},"metric":{"type":"boolean"},"ratio":{"type":"number"},"filter":{"type":"object"}},"required":["days"]}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F12_ArgumentsAreHealedAgainstTheSchema(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("weather", "ok", CitySchema);
            var typed = TestFunction.Returning("typed", "ok", TypedSchema);
            var script = new ScriptedChatClient(
                new ScriptedTurn(
                    ScriptedTurn.Unparsed("h1", "weather", "\"Paris\""),                       // bare string where an object was expected
                    ScriptedTurn.Unparsed("h2", "weather", "\"{\\\"city\\\": \\\"Rome\\\"}\""), // JSON that arrived as a string
                    ScriptedTurn.Unparsed("h3", "weather", "Lisbon"),                          // not even JSON
                    ScriptedTurn.Call("h4", "typed", new Dictionary<string, object?>
                    {
                        ["days"] = "3", ["metric"] = "true", ["ratio"] = "0.5", ["filter"] = "{\"a\":1}",
                    })),
                ScriptedTurn.Text("done"));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather, typed))
            {
                Items = { ["weather"] = weather, ["typed"] = typed },
            };
        });

        Assert.Equal(["""{"city":"Paris"}""", """{"city":"Rome"}""", """{"city":"Lisbon"}"""], run.Scenario.Item<TestFunction>("weather").Invocations);
        Assert.Equal(["""{"days":3,"filter":{"a":1},"metric":true,"ratio":0.5}"""], run.Scenario.Item<TestFunction>("typed").Invocations);
        Assert.All(run.Calls, c => Assert.Null(c.Exception));
        Assert.Contains("call[h4:typed{\"days\":3,\"filter\":{\"a\":1},\"metric\":true,\"ratio\":0.5}]", run.History, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F12_BrokenJson_IsNotHealedIntoABareString(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("weather", "ok", CitySchema);
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Unparsed("b1", "weather", "{\"city\": \"Ber")), ScriptedTurn.Text("done")),
                chatOptions: LoopScenario.WithTools(weather)) { Items = { ["weather"] = weather } };
        });

        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        Assert.Contains("could not be parsed", run.ResultText("b1"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F12_HealingCanBeTurnedOff(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("weather", "ok", CitySchema);
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Unparsed("h1", "weather", "\"Paris\"")), ScriptedTurn.Text("done")),
                chatOptions: LoopScenario.WithTools(weather),
                options: new ToolLoopOptions { HealArguments = false }) { Items = { ["weather"] = weather } };
        });

        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        Assert.Contains("could not be parsed", run.ResultText("h1"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F13_CallCutOffByLength_RunsOnlyIfItHealsToAValidCall(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("weather", "sunny", CitySchema);
            var healedValid = ScriptedTurn.Call("t1", "weather", new { city = "Oslo" });
            healedValid.AdditionalProperties = new() { [ToolLoopPropertyNames.Healed] = true };
            var healedInvalid = ScriptedTurn.Call("t2", "weather", new { });
            healedInvalid.AdditionalProperties = new() { [ToolLoopPropertyNames.Healed] = true };
            var cutOff = FunctionCallContent.CreateFromParsedArguments(
                """{"city": "Ber""", "t3", "weather", s => JsonSerializer.Deserialize<Dictionary<string, object?>>(s, AIJsonUtilities.DefaultOptions));
            var script = new ScriptedChatClient(
                new ScriptedTurn(healedValid, healedInvalid, cutOff) { FinishReason = ChatFinishReason.Length },
                ScriptedTurn.Text("Oslo is sunny."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather)) { Items = { ["weather"] = weather } };
        });

        Assert.Equal(["""{"city":"Oslo"}"""], run.Scenario.Item<TestFunction>("weather").Invocations);
        Assert.Equal("sunny", run.ResultText("t1"));
        Assert.Contains("cut off by the output token limit", run.ResultText("t2"), StringComparison.Ordinal);
        Assert.Contains("cut off by the output token limit", run.ResultText("t3"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F14_AnnouncedActionWithoutACall_IsRepromptedWhenEnabled_AndDoesNotCountAsAnIteration(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var search = TestFunction.Returning("search", "3 results", """{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}""");
            var script = new ScriptedChatClient(
                ScriptedTurn.Text("I'll search for the latest release notes now."),
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "search", new { q = "release notes" })),
                ScriptedTurn.Text("Found 3 results."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(search), options: new ToolLoopOptions { MaximumAnnouncementReprompts = 2, MaximumIterations = 1 })
            {
                Items = { ["search"] = search },
            };
        });

        Assert.Equal(1, run.Scenario.Item<TestFunction>("search").Count);
        Assert.Equal(3, run.Scenario.Script.Requests.Count); // announcement, re-prompted call, final answer (budget of 1 spent)
        Assert.Contains(run.Scenario.Script.Requests[1].Messages, m => m.Role == ChatRole.User && m.Contents.Any(ToolLoopHistory.IsNotice) && m.Text.Contains("did not call a tool", StringComparison.Ordinal));
        Assert.Equal(1, run.Response.AdditionalProperties![ToolLoopPropertyNames.Iterations]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F14_ByDefault_AnAnnouncementIsTheAnswer(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
            new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Text("I'll search for that.")),
                chatOptions: LoopScenario.WithTools(TestFunction.Returning("search", "x"))));

        Assert.Single(run.Scenario.Script.Requests);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("I'll search for that.", run.Response.Text);
    }
}
