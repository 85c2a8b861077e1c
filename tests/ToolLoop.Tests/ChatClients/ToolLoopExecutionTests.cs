using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopExecutionTests
{
    private static readonly TimeSpan s_failSafe = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F18_CallsRunSequentiallyByDefault(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var events = new ConcurrentQueue<string>();
            TestFunction Tool(string name) => new(name, async (_, _) =>
            {
                events.Enqueue("start " + name);
                await Task.Yield();
                events.Enqueue("end " + name);
                return name;
            });
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("a", "first"), ScriptedTurn.Call("b", "second")), ScriptedTurn.Text("ok")),
                chatOptions: LoopScenario.WithTools(Tool("first"), Tool("second"))) { Items = { ["events"] = events } };
        });

        Assert.Equal(["start first", "end first", "start second", "end second"], run.Scenario.Item<ConcurrentQueue<string>>("events"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F18_ConcurrentInvocation_RunsCallsInParallel_ResultsInCallOrder(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            // "first" can only finish after "second" has started: this deadlocks unless both run at once.
            var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = new TestFunction("first", async (_, ct) =>
            {
                await secondStarted.Task.WaitAsync(s_failSafe, ct);
                return "first done";
            });
            var second = new TestFunction("second", (_, _) =>
            {
                secondStarted.TrySetResult();
                return ValueTask.FromResult<object?>("second done");
            });
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("a", "first"), ScriptedTurn.Call("b", "second")), ScriptedTurn.Text("ok")),
                chatOptions: LoopScenario.WithTools(first, second),
                options: new ToolLoopOptions { AllowConcurrentInvocation = true, MaximumDegreeOfParallelism = 2 });
        });

        Assert.Equal("first done", run.ResultText("a"));
        Assert.Equal("second done", run.ResultText("b"));
        var toolMessage = run.Response.Messages.Single(m => m.Role == ChatRole.Tool);
        Assert.Equal(["a", "b"], toolMessage.Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F18_ConcurrentInvocation_RespectsTheDegreeCap(bool streaming)
    {
        var active = 0;
        var maximum = 0;
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var work = new TestFunction("work", async (a, ct) =>
            {
                var now = Interlocked.Increment(ref active);
                InterlockedMax(ref maximum, now);
                await Task.Yield();
                await Task.Delay(5, ct);
                Interlocked.Decrement(ref active);
                return "done " + a["n"];
            }, """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            return new LoopScenario(
                new ScriptedChatClient(
                    ScriptedTurn.Calls(Enumerable.Range(1, 6).Select(i => ScriptedTurn.Call("w" + i, "work", new { n = i })).ToArray()),
                    ScriptedTurn.Text("ok")),
                chatOptions: LoopScenario.WithTools(work),
                options: new ToolLoopOptions { AllowConcurrentInvocation = true, MaximumDegreeOfParallelism = 2 });
        });

        Assert.InRange(maximum, 1, 2);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => "done " + i), run.Results.Select(r => ToolLoopJson.ResultText(r.Result)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F19_ATool_CanTerminateTheLoop(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var finish = new TestFunction("finish", (a, _) =>
            {
                var context = ToolInvocationContext.Current!;
                Assert.Same(context, a.Context![typeof(ToolInvocationContext)]);
                Assert.Equal("f1", context.Call.CallId);
                context.Terminate = true;
                return ValueTask.FromResult<object?>("final report written");
            });
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("f1", "finish"), ScriptedTurn.Call("o1", "other"))),
                chatOptions: LoopScenario.WithTools(finish, TestFunction.Returning("other", "also ran")));
        });

        Assert.Equal(ToolLoopStopReasons.Terminated, run.StopReason);
        Assert.Single(run.Scenario.Script.Requests);
        Assert.Equal("final report written", run.ResultText("f1"));
        Assert.Equal("also ran", run.ResultText("o1"));
        Assert.False(string.IsNullOrWhiteSpace(run.Response.Messages[^1].Text));
        Assert.Null(ToolInvocationContext.Current);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F20_CancellationMidTool_LeavesACancelledResultForEveryCall(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var hang = new TestFunction("hang", async (_, ct) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            });
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("h1", "hang"), ScriptedTurn.Call("n1", "never_reached"))),
                chatOptions: LoopScenario.WithTools(hang, TestFunction.Returning("never_reached", "x")))
            {
                CancellationToken = cts.Token,
            };
        });

        Assert.Equal(ToolLoopStopReasons.Cancelled, run.StopReason);
        Assert.StartsWith("Cancelled", run.ResultText("h1"), StringComparison.Ordinal);
        Assert.StartsWith("Cancelled", run.ResultText("n1"), StringComparison.Ordinal);
        Assert.Single(run.Scenario.Script.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F20_CancellationMidStream_EveryCallAlreadySeenGetsAResult(bool streaming)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var tool = TestFunction.Returning("lookup", "x");
        var script = new ScriptedChatClient(new ScriptedTurn(ScriptedTurn.Call("c1", "lookup"), new TextContent("and more"))
        {
            BeforeUpdate = async (i, _) =>
            {
                // Streaming: after the call was yielded; non-streaming: before the response is returned.
                if (i == (streaming ? 1 : 0))
                {
                    await cts.CancelAsync();
                }
            },
        });
        var scenario = new LoopScenario(script, chatOptions: LoopScenario.WithTools(tool));

        var run = await LoopHarness.RunAsync(scenario, streaming, cancellationToken: cts.Token);

        // Streaming saw the call before the cancellation, so it has a result; non-streaming got no model output at all.
        Assert.Equal(ToolLoopStopReasons.Cancelled, run.StopReason);
        Assert.Equal(0, tool.Count);
        LoopHarness.AssertWellFormed(run.Response.Messages);
        if (streaming)
        {
            Assert.StartsWith("Cancelled", run.ResultText("c1"), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(run.Calls);
        }

        Assert.False(string.IsNullOrWhiteSpace(run.Response.Messages[^1].Text));
    }
}
