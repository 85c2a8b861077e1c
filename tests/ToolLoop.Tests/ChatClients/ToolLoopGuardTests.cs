using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopGuardTests
{
    private const string AbSchema = """{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F15_DuplicateCalls_AreNotReRun_AndStopAfterNInARow(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var lookup = new TestFunction("lookup", (a, _) => ValueTask.FromResult<object?>("value-" + a.Count), AbSchema);
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("c1", "lookup", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("c2", "lookup", new Dictionary<string, object?> { ["b"] = 2.0, ["a"] = 1.00 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("c3", "lookup", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 })),
                ScriptedTurn.Text("The value is value-2."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(lookup)) { Items = { ["lookup"] = lookup } };
        });

        Assert.Equal(1, run.Scenario.Item<TestFunction>("lookup").Count);
        Assert.Contains("same call as c1", run.ResultText("c2"), StringComparison.Ordinal);
        Assert.EndsWith("value-2", run.ResultText("c2"), StringComparison.Ordinal);
        Assert.Contains("same call as c1", run.ResultText("c3"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.DuplicateCalls, run.StopReason);
        Assert.Empty(run.Scenario.Script.Requests[^1].ToolNames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F16_RepeatingPatternABAB_IsDetectedLikeDuplicates(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var a = TestFunction.Returning("open_page", "page", """{"type":"object","properties":{"url":{"type":"string"}}}""");
            var b = TestFunction.Returning("go_back", "back");
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("p1", "open_page", new { url = "x" })),
                ScriptedTurn.Calls(ScriptedTurn.Call("p2", "go_back")),
                ScriptedTurn.Calls(ScriptedTurn.Call("p3", "open_page", new { url = "x" })),
                ScriptedTurn.Calls(ScriptedTurn.Call("p4", "go_back")),
                ScriptedTurn.Text("I was going in circles."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(a, b)) { Items = { ["a"] = a, ["b"] = b } };
        });

        Assert.Equal(1, run.Scenario.Item<TestFunction>("a").Count);
        Assert.Equal(1, run.Scenario.Item<TestFunction>("b").Count);
        Assert.Contains("same call as p1", run.ResultText("p3"), StringComparison.Ordinal);
        Assert.Contains("same call as p2", run.ResultText("p4"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.DuplicateCalls, run.StopReason);
        Assert.Equal(5, run.Scenario.Script.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F17_CallsPerRoundCap_RefusesTheRest(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = TestFunction.Returning("step", "ok", """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(
                    ScriptedTurn.Call("s1", "step", new { n = 1 }),
                    ScriptedTurn.Call("s2", "step", new { n = 2 }),
                    ScriptedTurn.Call("s3", "step", new { n = 3 })),
                ScriptedTurn.Text("ok"));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(step), options: new ToolLoopOptions { MaximumCallsPerRound = 2 })
            {
                Items = { ["step"] = step },
            };
        });

        Assert.Equal(2, run.Scenario.Item<TestFunction>("step").Count);
        Assert.Contains("at most 2 calls", run.ResultText("s3"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F17_TotalCallCap_StopsTheLoop(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = TestFunction.Returning("step", "ok", """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 }), ScriptedTurn.Call("s2", "step", new { n = 2 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("s3", "step", new { n = 3 }), ScriptedTurn.Call("s4", "step", new { n = 4 })),
                ScriptedTurn.Text("Partial answer."));
            var chatOptions = LoopScenario.WithTools(step);
            chatOptions.AdditionalProperties = new() { [ToolLoopPropertyNames.MaximumTotalCalls] = "3" };
            return new LoopScenario(script, chatOptions: chatOptions) { Items = { ["step"] = step } };
        });

        Assert.Equal(3, run.Scenario.Item<TestFunction>("step").Count);
        Assert.Contains("limit of 3 tool calls", run.ResultText("s4"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.CallLimit, run.StopReason);
        Assert.Equal("Partial answer.", run.Response.Messages[^1].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F17_PerToolTimeout_GivesTheModelATimeoutError(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var slow = new TestFunction("slow", async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            });
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("t1", "slow")), ScriptedTurn.Text("It timed out.")),
                chatOptions: LoopScenario.WithTools(slow),
                options: new ToolLoopOptions { ToolTimeout = TimeSpan.FromMilliseconds(50) });
        });

        Assert.Contains("did not finish within 0.05 s", run.ResultText("t1"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F17_PerToolTimeout_OverridesTheDefaultForThatToolOnly(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var gate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var slow = new TestFunction("slow", async (_, ct) => await gate.Task.WaitAsync(ct));
            var fast = TestFunction.Returning("fast", "quick");
            var options = new ToolLoopOptions { ToolTimeout = TimeSpan.FromMinutes(5) };
            options.ToolTimeouts["slow"] = TimeSpan.FromMilliseconds(50);
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("t1", "slow"), ScriptedTurn.Call("t2", "fast")), ScriptedTurn.Text("ok")),
                chatOptions: LoopScenario.WithTools(slow, fast),
                options: options);
        });

        Assert.Contains("did not finish within 0.05 s", run.ResultText("t1"), StringComparison.Ordinal);
        Assert.Equal("quick", run.ResultText("t2"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F17_RoundHook_SeesTheRound_AndCanStopTheLoop(bool streaming)
    {
        var rounds = new List<string>();
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = TestFunction.Returning("step", "ok", """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            var options = new ToolLoopOptions
            {
                RoundCompleted = (round, _) =>
                {
                    rounds.Add($"{round.Iteration}:{string.Join(",", round.Calls.Select(c => c.CallId))}:{round.Results.Count}");
                    round.StopRequested = round.Iteration == 2;
                    return ValueTask.CompletedTask;
                },
            };
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("s2", "step", new { n = 2 })));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(step), options: options);
        });

        Assert.Equal(["1:s1:1", "2:s2:1", "1:s1:1", "2:s2:1"], rounds);
        Assert.Equal(ToolLoopStopReasons.StoppedByHook, run.StopReason);
        Assert.Equal(2, run.Scenario.Script.Requests.Count);
        Assert.False(string.IsNullOrWhiteSpace(run.Response.Messages[^1].Text));
    }
}
