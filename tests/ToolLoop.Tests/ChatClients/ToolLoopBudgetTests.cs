using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopBudgetTests
{
    private const string NSchema = """{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}""";

    private static TestFunction Counter() => new("step", (a, _) => ValueTask.FromResult<object?>("did " + a["n"]), NSchema);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F05_IterationBudget_CountsOnlyRoundsThatRanATool(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = Counter();
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("u1", "no_such_tool")), // runs nothing: not an iteration
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("s2", "step", new { n = 2 })),
                ScriptedTurn.Text("Done after two steps."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(step), options: new ToolLoopOptions { MaximumIterations = 2 })
            {
                Items = { ["step"] = step },
            };
        });

        Assert.Equal(2, run.Scenario.Item<TestFunction>("step").Count);
        Assert.Equal(4, run.Scenario.Script.Requests.Count);
        Assert.Equal(ToolLoopStopReasons.IterationBudget, run.StopReason);
        Assert.Equal(2, run.Response.AdditionalProperties![ToolLoopPropertyNames.Iterations]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F05_IterationBudget_PerRequestOverride(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = Counter();
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Text("Stopped early."));
            var chatOptions = LoopScenario.WithTools(step);
            chatOptions.AdditionalProperties = new() { [ToolLoopPropertyNames.MaximumIterations] = 1, ["other"] = "kept" };
            return new LoopScenario(script, chatOptions: chatOptions);
        });

        Assert.Equal(ToolLoopStopReasons.IterationBudget, run.StopReason);
        Assert.Equal(2, run.Scenario.Script.Requests.Count);
        var forwarded = run.Scenario.Script.Requests[0].Options!.AdditionalProperties!;
        Assert.False(forwarded.ContainsKey(ToolLoopPropertyNames.MaximumIterations));
        Assert.Equal("kept", forwarded["other"]);
    }

    [Fact]
    public async Task Streaming_InputErrors_AreRaisedWhenTheStreamIsEnumerated_AsAnAsyncIteratorDoes()
    {
        var script = new ScriptedChatClient(ScriptedTurn.Text("never sent"));
        using var loop = script.AsToolLoop();
        var chatOptions = LoopScenario.WithTools(Counter());
        chatOptions.AdditionalProperties = new() { [ToolLoopPropertyNames.MaximumIterations] = "many" };

        // Neither call throws: the stream has not been enumerated yet.
        var badSetting = loop.GetStreamingResponseAsync("hi", chatOptions, TestContext.Current.CancellationToken);
        var noMessages = loop.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken);

        var setting = await Assert.ThrowsAsync<ArgumentException>(async () => await badSetting.ToChatResponseAsync(TestContext.Current.CancellationToken));
        Assert.Contains(ToolLoopPropertyNames.MaximumIterations, setting.Message, StringComparison.Ordinal);
        var messages = await Assert.ThrowsAsync<ArgumentNullException>(async () => await noMessages.ToChatResponseAsync(TestContext.Current.CancellationToken));
        Assert.Equal("messages", messages.ParamName);
        Assert.Empty(script.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F06_BudgetSpent_ModelIsToldOnce_AndAnswersWithoutTools(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Text("Here is what I found."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(Counter()), options: new ToolLoopOptions { MaximumIterations = 1 });
        });

        var last = run.Scenario.Script.Requests[^1];
        Assert.Empty(last.ToolNames);
        Assert.Null(last.Options!.ToolMode);
        var notices = last.Messages.Where(m => m.Contents.Any(ToolLoopHistory.IsNotice)).ToList();
        var notice = Assert.Single(notices);
        Assert.Equal(ChatRole.User, notice.Role);
        Assert.Contains("rounds of tool calls", notice.Text, StringComparison.Ordinal);
        Assert.Equal("Here is what I found.", run.Response.Messages[^1].Text);
        Assert.Equal(ToolLoopStopReasons.IterationBudget, run.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F06_CallsInTheToolLessFinalAnswer_AreNotRun_AndStillGetAResult(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var step = Counter();
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("s2", "step", new { n = 2 })));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(step), options: new ToolLoopOptions { MaximumIterations = 1 })
            {
                Items = { ["step"] = step },
            };
        });

        Assert.Equal(1, run.Scenario.Item<TestFunction>("step").Count);
        Assert.Contains("no longer available", run.ResultText("s2"), StringComparison.Ordinal);
        Assert.Equal(2, run.Scenario.Script.Requests.Count);
        Assert.Equal(ToolLoopStopReasons.IterationBudget, run.StopReason);
        Assert.False(string.IsNullOrWhiteSpace(run.Response.Messages[^1].Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F06_ZeroIterations_OneCallWithoutTools(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
            new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Text("Answer without tools.")),
                chatOptions: LoopScenario.WithTools(Counter()),
                options: new ToolLoopOptions { MaximumIterations = 0 }));

        var request = Assert.Single(run.Scenario.Script.Requests);
        Assert.Empty(request.ToolNames);
        Assert.DoesNotContain(request.Messages, m => m.Contents.Any(ToolLoopHistory.IsNotice));
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("Answer without tools.", run.Response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F07_EveryResponseCarriesAStopReason_AndTheFinalTextIsNeverEmpty(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
            new LoopScenario(
                new ScriptedChatClient(
                    ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                    ScriptedTurn.Text("   ")),
                chatOptions: LoopScenario.WithTools(Counter())));

        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        var last = run.Response.Messages[^1];
        Assert.Equal(ChatRole.Assistant, last.Role);
        Assert.False(string.IsNullOrWhiteSpace(last.Text));
        Assert.Contains(last.Contents, ToolLoopHistory.IsNotice);
        if (run.Updates is { } updates)
        {
            Assert.Equal(ToolLoopStopReasons.Completed, updates[^1].AdditionalProperties![ToolLoopPropertyNames.StopReason]);
        }

        string[] all =
        [
            ToolLoopStopReasons.Completed, ToolLoopStopReasons.IterationBudget, ToolLoopStopReasons.ConsecutiveErrors, ToolLoopStopReasons.DuplicateCalls,
            ToolLoopStopReasons.CallLimit, ToolLoopStopReasons.ApprovalPending, ToolLoopStopReasons.Terminated, ToolLoopStopReasons.StoppedByHook,
            ToolLoopStopReasons.Cancelled, ToolLoopStopReasons.Truncated,
        ];
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F07_TruncatedFinalAnswer_StopsWithTruncated(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
            new LoopScenario(new ScriptedChatClient(new ScriptedTurn(new TextContent("The answer is a long")) { FinishReason = ChatFinishReason.Length })));

        Assert.Equal(ToolLoopStopReasons.Truncated, run.StopReason);
        Assert.Equal(ChatFinishReason.Length, run.Response.FinishReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F08_RequiredToolMode_IsRelaxedToAutoAfterTheFirstRound(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var chatOptions = LoopScenario.WithTools(Counter());
            chatOptions.ToolMode = ChatToolMode.RequireSpecific("step");
            return new LoopScenario(
                new ScriptedChatClient(
                    ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                    ScriptedTurn.Text("ok")),
                chatOptions: chatOptions);
        });

        Assert.IsType<RequiredChatToolMode>(run.Scenario.Script.Requests[0].Options!.ToolMode);
        Assert.IsType<AutoChatToolMode>(run.Scenario.Script.Requests[1].Options!.ToolMode);
        Assert.IsType<RequiredChatToolMode>(run.Scenario.ChatOptions!.ToolMode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F33_TheLoopsInstructionsToTheModel_NeverReachTheCallersText(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var script = new ScriptedChatClient(
                ScriptedTurn.Text("I'll look that up."),                                   // re-prompted
                ScriptedTurn.Calls(ScriptedTurn.Call("s1", "step", new { n = 1 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("s2", "step", new { n = 1 })),         // duplicate
                ScriptedTurn.Calls(ScriptedTurn.Call("s3", "step", new { n = 1 })),         // duplicate: the limit is spent
                ScriptedTurn.Text("Step 1 is done."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(Counter()), options: new ToolLoopOptions { MaximumAnnouncementReprompts = 1 });
        });

        Assert.Equal(ToolLoopStopReasons.DuplicateCalls, run.StopReason);
        string[] instructions = ["did not call a tool", "You repeated earlier tool calls", "Tools are no longer available"];
        var sentToModel = string.Join("\n", run.Scenario.Script.Requests.SelectMany(r => r.Messages).Select(m => m.Text));
        foreach (var instruction in instructions)
        {
            Assert.Contains(instruction, sentToModel, StringComparison.Ordinal);
            Assert.DoesNotContain(instruction, run.Response.Text, StringComparison.Ordinal);
            Assert.All(run.Updates ?? [], u => Assert.DoesNotContain(instruction, u.Text, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(run.Response.Messages, m => m.Role == ChatRole.User);
        Assert.Equal("I'll look that up.\nStep 1 is done.", run.Response.Text);
    }
}
