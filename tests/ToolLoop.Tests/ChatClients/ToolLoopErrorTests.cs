using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopErrorTests
{
    private const string ForecastSchema = """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"]}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F09_UnknownMalformedAndSchemaInvalidCalls_AreNotRun_AndTheModelIsToldWhy(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var forecast = TestFunction.Returning("forecast", "rain", ForecastSchema);
            var malformed = FunctionCallContent.CreateFromParsedArguments(
                """{"city": "Oslo", days: }""", "m1", "forecast",
                s => JsonSerializer.Deserialize<Dictionary<string, object?>>(s, AIJsonUtilities.DefaultOptions));
            var script = new ScriptedChatClient(
                new ScriptedTurn(
                    ScriptedTurn.Call("u1", "forcast", new { city = "Oslo", days = 2 }),
                    malformed,
                    ScriptedTurn.Call("v1", "forecast", new { city = "Oslo" }),
                    ScriptedTurn.Call("v2", "forecast", new { city = "Oslo", days = "two" })),
                ScriptedTurn.Text("I could not get the forecast."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(forecast)) { Items = { ["f"] = forecast } };
        });

        Assert.Equal(0, run.Scenario.Item<TestFunction>("f").Count);
        Assert.Contains("Unknown tool 'forcast'", run.ResultText("u1"), StringComparison.Ordinal);
        Assert.Contains("could not be parsed", run.ResultText("m1"), StringComparison.Ordinal);
        Assert.Contains("missing required parameter 'days'", run.ResultText("v1"), StringComparison.Ordinal);
        Assert.Contains("parameter 'days' must be integer but was a string", run.ResultText("v2"), StringComparison.Ordinal);
        foreach (var id in new[] { "m1", "v1", "v2" })
        {
            Assert.Contains("\"required\":[\"city\",\"days\"]", run.ResultText(id), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F10_ThrowingTool_GetsAnErrorResult_DetailOnlyWhenEnabled(bool streaming)
    {
        foreach (var detailed in new[] { false, true })
        {
            var logs = new CapturingLoggerFactory(Microsoft.Extensions.Logging.LogLevel.Debug);
            var run = await LoopHarness.RunBothAsync(streaming, () =>
            {
                var boom = new TestFunction("boom", (_, _) => throw new InvalidOperationException("secret connection string"));
                return new LoopScenario(
                    new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("b1", "boom")), ScriptedTurn.Text("It failed.")),
                    chatOptions: LoopScenario.WithTools(boom),
                    options: new ToolLoopOptions { IncludeDetailedErrors = detailed, LoggerFactory = logs });
            });

            var text = run.ResultText("b1");
            Assert.StartsWith("Error: the tool 'boom' failed", text, StringComparison.Ordinal);
            Assert.Equal(detailed, text.Contains("secret connection string", StringComparison.Ordinal));
            Assert.IsType<InvalidOperationException>(run.Results.Single().Exception);
            Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
            Assert.Contains(logs.Entries, e => e.Exception?.Message == "secret connection string"); // the detail always reaches the log
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F11_ConsecutiveErrors_EndTheLoopWithAStatedReason(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var boom = new TestFunction("boom", (a, _) => throw new InvalidOperationException("down"), """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            return new LoopScenario(
                new ScriptedChatClient(
                    ScriptedTurn.Calls(ScriptedTurn.Call("b1", "boom", new { n = 1 })),
                    ScriptedTurn.Calls(ScriptedTurn.Call("b2", "boom", new { n = 2 })),
                    ScriptedTurn.Text("The service is down.")),
                chatOptions: LoopScenario.WithTools(boom),
                options: new ToolLoopOptions { MaximumConsecutiveErrors = 2 })
            {
                Items = { ["boom"] = boom },
            };
        });

        Assert.Equal(ToolLoopStopReasons.ConsecutiveErrors, run.StopReason);
        Assert.Equal(2, run.Scenario.Item<TestFunction>("boom").Count);
        Assert.Empty(run.Scenario.Script.Requests[^1].ToolNames);
        Assert.Contains(run.Scenario.Script.Requests[^1].Messages, m => m.Text.Contains("failed in 2 rounds in a row", StringComparison.Ordinal));
        Assert.Equal("The service is down.", run.Response.Messages[^1].Text);
    }
}
