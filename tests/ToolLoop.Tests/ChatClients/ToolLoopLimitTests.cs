using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Features 35–37: hard limits a production loop needs.</summary>
public sealed class ToolLoopLimitTests
{
    private static readonly TimeSpan s_failSafe = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A tool that ignores its token and returns only when <paramref name="release"/> is set (or after the fail-safe):
    /// if the loop waited for it, the result would be "late" rather than a timeout or cancellation.
    /// </summary>
    private static TestFunction Stubborn(string name, TaskCompletionSource release, bool blockThread) => new(name, async (_, _) =>
    {
        if (blockThread)
        {
            release.Task.Wait(s_failSafe, CancellationToken.None);
        }
        else
        {
            await release.Task.WaitAsync(s_failSafe, CancellationToken.None);
        }

        return "late";
    });

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task F35_ToolTimeout_HoldsForAToolThatIgnoresItsToken(bool streaming, bool blockThread)
    {
        var releases = new List<TaskCompletionSource>();
        try
        {
            var run = await LoopHarness.RunBothAsync(streaming, () =>
            {
                var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                releases.Add(release);
                return new LoopScenario(
                    new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("t1", "stubborn")), ScriptedTurn.Text("It timed out.")),
                    chatOptions: LoopScenario.WithTools(Stubborn("stubborn", release, blockThread)),
                    options: new ToolLoopOptions { ToolTimeout = TimeSpan.FromMilliseconds(100) });
            });

            Assert.Contains("did not finish within 0.1 s", run.ResultText("t1"), StringComparison.Ordinal);
            Assert.IsType<TimeoutException>(run.Results.Single().Exception);
            Assert.Equal("It timed out.", run.Response.Messages[^1].Text);
        }
        finally
        {
            releases.ForEach(r => r.TrySetResult());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F35_Cancellation_DoesNotWaitForAToolThatIgnoresItsToken(bool streaming)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        try
        {
            var stubborn = new TestFunction("stubborn", async (_, _) =>
            {
                await cts.CancelAsync();
                await release.Task.WaitAsync(s_failSafe, CancellationToken.None);
                return "late";
            });
            var scenario = new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("t1", "stubborn"))),
                chatOptions: LoopScenario.WithTools(stubborn));

            var run = await LoopHarness.RunAsync(scenario, streaming, cancellationToken: cts.Token);

            Assert.Equal(ToolLoopStopReasons.Cancelled, run.StopReason);
            Assert.StartsWith("Cancelled", run.ResultText("t1"), StringComparison.Ordinal);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F36_ToolResults_AreCappedForTheModel_TheCallerKeepsTheFullResult(bool streaming)
    {
        var big = string.Concat(Enumerable.Repeat("0123456789", 20_000));
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("b1", "dump"), ScriptedTurn.Call("s1", "small")),
                ScriptedTurn.Text("It is long.")),
            chatOptions: LoopScenario.WithTools(TestFunction.Returning("dump", big), TestFunction.Returning("small", "tiny")),
            options: new ToolLoopOptions { MaximumToolResultLength = 1_000 }));

        Assert.Equal(big, run.ResultText("b1"));
        var sent = run.Scenario.Script.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        var capped = ToolLoopJson.ResultText(sent.Single(r => r.CallId == "b1").Result);
        Assert.StartsWith(big[..1_000], capped, StringComparison.Ordinal);
        Assert.Contains("first 1,000 of its 200,000 characters", capped, StringComparison.Ordinal);
        Assert.True(capped.Length < 1_100);
        Assert.Equal("tiny", ToolLoopJson.ResultText(sent.Single(r => r.CallId == "s1").Result));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F36_TheDefaultCap_AlsoAppliesToResultsReplayedFromTheHistory(bool streaming)
    {
        var big = new string('x', ToolLoopOptions.DefaultMaximumToolResultLength + 10);
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient(ScriptedTurn.Text("ok")),
            [
                new ChatMessage(ChatRole.User, "Dump it."),
                new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("d1", "dump")]),
                new ChatMessage(ChatRole.Tool, [new FunctionResultContent("d1", big)]),
                new ChatMessage(ChatRole.User, "Summarise."),
            ]));

        var replayed = ToolLoopJson.ResultText(run.Scenario.Script.Requests[0].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result);
        Assert.Contains("first 50,000 of its 50,010 characters", replayed, StringComparison.Ordinal);
    }

    /// <summary>A model whose context holds <paramref name="capacity"/> messages; beyond that it fails like OpenAI does.</summary>
    private static Func<ScriptedRequest, ScriptedTurn> Fits(int capacity, ScriptedTurn turn) => request =>
        request.Messages.Count > capacity
            ? new ScriptedTurn { BeforeUpdate = (_, _) => throw new InvalidOperationException("HTTP 400 (invalid_request_error: context_length_exceeded) This model's maximum context length is 8192 tokens.") }
            : turn;

    private sealed class KeepLast(int count) : IChatReducer
    {
        public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
            => Task.FromResult(messages.TakeLast(count));
    }

    private sealed class DropOldest : IChatReducer
    {
        public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
            => Task.FromResult(messages.Skip(1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F37_ContextOverflow_ReducesTheHistoryPairSafely_AndRetries(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            // Each request takes the next entry, whether it fits or not.
            var script = new ScriptedChatClient()
                .Then(Fits(2, ScriptedTurn.Calls(ScriptedTurn.Call("c1", "lookup"))))
                .Then(Fits(2, ScriptedTurn.Text("Found it.")))
                .Then(Fits(2, ScriptedTurn.Text("Found it.")))
                .Then(Fits(2, ScriptedTurn.Text("Found it.")));
            List<ChatMessage> history = [new(ChatRole.User, "old 1"), new(ChatRole.Assistant, "old 2"), new(ChatRole.User, "Look it up.")];
            return new LoopScenario(script, history, LoopScenario.WithTools(TestFunction.Returning("lookup", "x")), new ToolLoopOptions { ChatReducer = new DropOldest() });
        });

        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("Found it.", run.Response.Messages[^1].Text);
        var requests = run.Scenario.Script.Requests;

        // The reducer runs before each call; the call after the tool round overflowed twice, was reduced pair-safely
        // (the call and its result stay together) and retried.
        Assert.Equal([2, 4, 3, 2], requests.Select(r => r.Messages.Count));
        Assert.All(requests, r => LoopHarness.AssertWellFormed(r.Messages));
        Assert.Equal(["assistant", "tool"], requests[^1].Messages.Select(m => m.Role.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F37_ContextOverflow_WithoutAReducer_StopsWithAStatedReason(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient().Then(Fits(0, ScriptedTurn.Text("unused"))),
            chatOptions: LoopScenario.WithTools(TestFunction.Returning("lookup", "x"))));

        Assert.Equal(ToolLoopStopReasons.ContextOverflow, run.StopReason);
        Assert.Contains("too long for the model's context", run.Response.Messages[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F37_ContextOverflow_StopsWhenTheReducerCannotShortenTheHistory(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient().Then(Fits(0, ScriptedTurn.Text("unused"))),
            [new ChatMessage(ChatRole.User, "a"), new ChatMessage(ChatRole.Assistant, "b"), new ChatMessage(ChatRole.User, "c")],
            options: new ToolLoopOptions { ChatReducer = new KeepLast(2), MaximumContextOverflowRetries = 5 }));

        Assert.Equal(ToolLoopStopReasons.ContextOverflow, run.StopReason);
        Assert.Single(run.Scenario.Script.Requests); // reducing again gives the same history: no retry can fit it
    }

    [Fact]
    public void F37_TheDefaultPredicate_KnowsCommonServersAndAnAdapterFlag()
    {
        Assert.True(ContextOverflow.IsContextOverflow(new InvalidOperationException("Error code: context_length_exceeded")));
        Assert.True(ContextOverflow.IsContextOverflow(new HttpRequestException("the request exceeds the available context size, try increasing it")));
        Assert.True(ContextOverflow.IsContextOverflow(new AggregateException(new InvalidOperationException("x"), new InvalidOperationException("This model's maximum context length is 4096 tokens"))));
        // This library's adapters (ToolLoop.LlamaCpp, ToolLoop.Onnx) word their overflow errors this way.
        Assert.True(ContextOverflow.IsContextOverflow(new InvalidOperationException("The prompt has 5000 tokens but the context holds 4096; raise ContextSize.")));
        Assert.True(ContextOverflow.IsContextOverflow(new InvalidOperationException("The context is full: no KV cache slot for 32 more tokens (context 4096).")));
        var flagged = new InvalidOperationException("full");
        flagged.Data[ContextOverflow.DataKey] = true;
        Assert.True(ContextOverflow.IsContextOverflow(new InvalidOperationException("wrapped", flagged)));
        Assert.False(ContextOverflow.IsContextOverflow(new HttpRequestException("The connection was reset.")));
        Assert.False(ContextOverflow.IsContextOverflow(new OperationCanceledException("context_length_exceeded")));
    }
}
