using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopApprovalTests
{
    private const string PathSchema = """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""";

    private static LoopScenario Make(params ScriptedTurn[] laterTurns)
    {
        var read = new TestFunction("read_file", (a, _) => ValueTask.FromResult<object?>("contents of " + a["path"]), PathSchema);
        var delete = new TestFunction("delete_file", (a, _) => ValueTask.FromResult<object?>("deleted " + a["path"]), PathSchema);
        var script = new ScriptedChatClient(
            new ScriptedTurn(
                new TextContent("Reading, then deleting."),
                ScriptedTurn.Call("r1", "read_file", new { path = "a.txt" }),
                ScriptedTurn.Call("d1", "delete_file", new { path = "a.txt" })));
        foreach (var turn in laterTurns)
        {
            script.Then(turn);
        }

        return new LoopScenario(
            script,
            [new ChatMessage(ChatRole.User, "Read a.txt and delete it.")],
            LoopScenario.WithTools(read, new ApprovalRequiredAIFunction(delete)))
        {
            Items = { ["read"] = read, ["delete"] = delete },
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F21_ApprovalRequiredCall_IsNotRun_OthersInTheRoundRun(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => Make());

        Assert.Equal(ToolLoopStopReasons.ApprovalPending, run.StopReason);
        Assert.Equal(1, run.Scenario.Item<TestFunction>("read").Count);
        Assert.Equal(0, run.Scenario.Item<TestFunction>("delete").Count);
        Assert.Equal("contents of a.txt", run.ResultText("r1"));
        // The approval request stands in the call's place, in the model's own message (F32: the round stays one message).
        var assistant = run.Response.Messages[0];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal(["TextContent", "FunctionCallContent", "ToolApprovalRequestContent"], assistant.Contents.Select(c => c.GetType().Name));
        var request = Assert.Single(assistant.Contents.OfType<ToolApprovalRequestContent>());
        Assert.Equal("d1", ((FunctionCallContent)request.ToolCall).CallId);
        Assert.DoesNotContain(run.Calls, c => c.CallId == "d1"); // only inside the approval request
        Assert.Single(run.Scenario.Script.Requests);
        Assert.Contains("Waiting for approval to run: delete_file.", run.Response.Messages[^1].Text, StringComparison.Ordinal);
    }

    private static async Task<(LoopRun First, LoopRun Second)> AnswerAsync(bool streaming, Func<ToolApprovalRequestContent, ChatMessage?> answer, params ScriptedTurn[] laterTurns)
    {
        var scenario = Make(laterTurns);
        var first = await LoopHarness.RunAsync(scenario, streaming);
        var history = new List<ChatMessage>(scenario.Messages);
        history.AddRange(first.Response.Messages);
        var request = first.Response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single();
        history.Add(answer(request) ?? new ChatMessage(ChatRole.User, "Never mind, what's the weather?"));
        var second = await LoopHarness.RunAsync(scenario, streaming, history);
        return (first, second);
    }

    private static async Task<LoopRun> AnswerBothModesAsync(bool streaming, Func<ToolApprovalRequestContent, ChatMessage?> answer, params ScriptedTurn[] laterTurns)
    {
        var (_, mine) = await AnswerAsync(streaming, answer, laterTurns);
        var (_, other) = await AnswerAsync(!streaming, answer, laterTurns);
        Assert.Equal(other.History, mine.History);
        var sent = mine.Scenario.Script.Requests[^1].Messages;
        LoopHarness.AssertWellFormed(sent);
        Assert.DoesNotContain(sent.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent or ToolApprovalResponseContent);
        return mine;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F22_ApprovedWithEditedArguments_RunsTheEditedCall_AndTellsTheModel(bool streaming)
    {
        var run = await AnswerBothModesAsync(
            streaming,
            request =>
            {
                var edited = new FunctionCallContent("d1", "delete_file", new Dictionary<string, object?> { ["path"] = "a.bak" });
                return new ChatMessage(ChatRole.User, [new ToolApprovalResponseContent(request.RequestId, true, edited)]);
            },
            ScriptedTurn.Text("Deleted a.bak instead."));

        Assert.Equal(["""{"path":"a.bak"}"""], run.Scenario.Item<TestFunction>("delete").Invocations);
        var result = run.ResultText("d1");
        Assert.Contains("edited the arguments", result, StringComparison.Ordinal);
        Assert.Contains("deleted a.bak", result, StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        var sent = run.Scenario.Script.Requests[^1].Messages;
        Assert.Contains(sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.CallId == "d1");
        Assert.Equal(1, run.Scenario.Item<TestFunction>("read").Count); // not re-run on replay
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F22_PlainApproval_RunsTheCall(bool streaming)
    {
        var run = await AnswerBothModesAsync(
            streaming,
            request => new ChatMessage(ChatRole.User, [request.CreateResponse(true, null)]),
            ScriptedTurn.Text("Deleted."));

        Assert.Equal("deleted a.txt", run.ResultText("d1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F22_ReplayingAnAnsweredApproval_NeverRunsTheCallAgain(bool streaming)
    {
        var scenario = Make(ScriptedTurn.Text("Deleted."), ScriptedTurn.Text("You're welcome."));
        var history = new List<ChatMessage>(scenario.Messages);
        var first = await LoopHarness.RunAsync(scenario, streaming, cancellationToken: TestContext.Current.CancellationToken);
        history.AddRange(first.Response.Messages);
        var request = first.Response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single();
        history.Add(new ChatMessage(ChatRole.User, [request.CreateResponse(true, null)]));
        var second = await LoopHarness.RunAsync(scenario, streaming, history, TestContext.Current.CancellationToken);
        history.AddRange(second.Response.Messages);
        history.Add(new ChatMessage(ChatRole.User, "Thanks!"));
        var third = await LoopHarness.RunAsync(scenario, streaming, history, TestContext.Current.CancellationToken);

        Assert.Equal(1, scenario.Item<TestFunction>("delete").Count);
        Assert.Equal(1, scenario.Item<TestFunction>("read").Count);
        Assert.Empty(third.Results);
        var sent = scenario.Script.Requests[^1].Messages;
        LoopHarness.AssertWellFormed(sent);
        // F32: the round with the approved call is one assistant message and one tool message, in call order.
        Assert.Equal(
            ["user", "assistant", "tool", "assistant", "user"],
            sent.Select(m => m.Role.Value));
        Assert.Equal(["r1", "d1"], sent[2].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        Assert.Equal("You're welcome.", third.Response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F22_Rejection_SendsTheReasonToTheModel(bool streaming)
    {
        var run = await AnswerBothModesAsync(
            streaming,
            request => new ChatMessage(ChatRole.User, [request.CreateResponse(false, "keep the file")]),
            ScriptedTurn.Text("OK, I kept it."));

        Assert.Equal(0, run.Scenario.Item<TestFunction>("delete").Count);
        var result = run.ResultText("d1");
        Assert.Contains("rejected", result, StringComparison.Ordinal);
        Assert.Contains("keep the file", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F22_UnansweredRequest_IsClosedAsAbandoned(bool streaming)
    {
        var run = await AnswerBothModesAsync(streaming, _ => null, ScriptedTurn.Text("It is sunny."));

        Assert.Equal(0, run.Scenario.Item<TestFunction>("delete").Count);
        Assert.Contains("did not answer", run.ResultText("d1"), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("It is sunny.", run.Response.Messages[^1].Text);
    }

    private static async Task<(LoopScenario Scenario, List<ChatMessage> History, LoopRun Second)> ApproveTwoAsync(bool streaming, bool concurrent)
    {
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delete = new TestFunction(
            "delete_file",
            async (a, ct) =>
            {
                var path = (a["path"]?.ToString())!;
                order.Enqueue("start " + path);
                if (concurrent && path == "d1.txt")
                {
                    // Finishes only once the second approved call has started: deadlocks unless both run at once.
                    await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                }
                else if (concurrent)
                {
                    secondStarted.TrySetResult();
                }

                order.Enqueue("end " + path);
                return "deleted " + path;
            },
            PathSchema);
        var script = new ScriptedChatClient(
            new ScriptedTurn(
                new TextContent("Cleaning up."),
                ScriptedTurn.Call("w1", "read_file", new { path = "w.txt" }),
                ScriptedTurn.Call("d1", "delete_file", new { path = "d1.txt" }),
                ScriptedTurn.Call("d2", "delete_file", new { path = "d2.txt" })),
            ScriptedTurn.Text("Both deleted."));
        var scenario = new LoopScenario(
            script,
            [new ChatMessage(ChatRole.User, "Clean up.")],
            LoopScenario.WithTools(TestFunction.Returning("read_file", "w contents", PathSchema), new ApprovalRequiredAIFunction(delete)),
            new ToolLoopOptions { AllowConcurrentInvocation = concurrent })
        {
            Items = { ["order"] = order },
        };
        var first = await LoopHarness.RunAsync(scenario, streaming);
        var history = new List<ChatMessage>(scenario.Messages);
        history.AddRange(first.Response.Messages);
        var answers = first.Response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>()
            .Select(r => (AIContent)r.CreateResponse(true, null)).ToList();
        Assert.Equal(2, answers.Count);
        history.Add(new ChatMessage(ChatRole.User, answers));
        var second = await LoopHarness.RunAsync(scenario, streaming, history);
        return (scenario, history, second);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F32_ApprovedCalls_RunInCallOrder_AndTheRoundStaysOneMessage(bool streaming)
    {
        var (scenario, _, second) = await ApproveTwoAsync(streaming, concurrent: false);

        Assert.Equal(["start d1.txt", "end d1.txt", "start d2.txt", "end d2.txt"], scenario.Item<System.Collections.Concurrent.ConcurrentQueue<string>>("order"));
        Assert.Equal(["d1", "d2"], second.Results.Select(r => r.CallId));

        // What the model sees next: one assistant message with all three calls, one tool message with their results in order.
        var sent = scenario.Script.Requests[^1].Messages;
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m.Role.Value));
        Assert.Equal(["w1", "d1", "d2"], sent[1].Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
        Assert.Equal(["w1", "d1", "d2"], sent[2].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        Assert.Equal("deleted d2.txt", ToolLoopJson.ResultText(sent[2].Contents.OfType<FunctionResultContent>().Last().Result));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F32_ApprovedCalls_HonourConcurrentInvocation(bool streaming)
    {
        var (_, _, second) = await ApproveTwoAsync(streaming, concurrent: true);

        Assert.Equal(["deleted d1.txt", "deleted d2.txt"], second.Results.Select(r => ToolLoopJson.ResultText(r.Result)));
        Assert.Equal(ToolLoopStopReasons.Completed, second.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F34_AfterAnApproval_EveryResultTheCallerGetsHasItsCall(bool streaming)
    {
        var (scenario, history, second) = await ApproveTwoAsync(streaming, concurrent: false);

        // The approved calls come back as calls before their results, so the caller's own history is well formed.
        var callerHistory = history.Concat(second.Response.Messages).ToList();
        LoopHarness.AssertWellFormed(callerHistory);
        Assert.Equal(["d1", "d2"], second.Response.Messages[0].Contents.OfType<FunctionCallContent>().Select(c => c.CallId));

        // Replaying that history runs nothing again and shows the model the same single round.
        scenario.Script.Then(ScriptedTurn.Text("You're welcome."));
        callerHistory.Add(new ChatMessage(ChatRole.User, "Thanks"));
        var third = await LoopHarness.RunAsync(scenario, streaming, callerHistory, TestContext.Current.CancellationToken);
        Assert.Equal(4, scenario.Item<System.Collections.Concurrent.ConcurrentQueue<string>>("order").Count);
        Assert.Empty(third.Results);
        var sent = scenario.Script.Requests[^1].Messages;
        LoopHarness.AssertWellFormed(sent);
        Assert.Equal(["user", "assistant", "tool", "assistant", "user"], sent.Select(m => m.Role.Value));
        Assert.Equal(["w1", "d1", "d2"], sent[2].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
    }
}
