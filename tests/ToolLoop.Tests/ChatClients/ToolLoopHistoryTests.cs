using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopHistoryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F23_CallIds_AreUniqueAcrossIterationsAndReplayedHistory_InTheFamilyFormat(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var tool = new TestFunction("get_weather", (a, _) => ValueTask.FromResult<object?>("weather " + a["n"]), """{"type":"object","properties":{"n":{"type":"integer"}}}""");
            List<ChatMessage> history =
            [
                new(ChatRole.User, "Weather?"),
                new(ChatRole.Assistant, [new FunctionCallContent("call_0", "get_weather", new Dictionary<string, object?> { ["n"] = 0 })]),
                new(ChatRole.Tool, [new FunctionResultContent("call_0", "weather 0")]),
                new(ChatRole.Assistant, "Sunny."),
                new(ChatRole.User, "Again, three times."),
            ];
            var script = new ScriptedChatClient(
                ScriptedTurn.Calls(ScriptedTurn.Call("call_0", "get_weather", new { n = 1 }), ScriptedTurn.Call("aB3dE6gH9", "get_weather", new { n = 2 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("call_0", "get_weather", new { n = 3 }), ScriptedTurn.Call("aB3dE6gH9", "get_weather", new { n = 4 })),
                ScriptedTurn.Calls(ScriptedTurn.Call("functions.get_weather:0", "get_weather", new { n = 5 }), ScriptedTurn.Call("functions.get_weather:0", "get_weather", new { n = 6 })),
                ScriptedTurn.Text("Done."));
            return new LoopScenario(script, history, LoopScenario.WithTools(tool));
        });

        var ids = run.Calls.Select(c => c.CallId).ToList();
        Assert.Equal(6, ids.Count);
        Assert.Equal(6, ids.Distinct().Count());
        Assert.DoesNotContain("call_0", ids);
        Assert.Equal("call_1", ids[0]);
        Assert.Equal("aB3dE6gH9", ids[1]);
        Assert.Equal("call_2", ids[2]);
        Assert.Matches("^[A-Za-z0-9]{9}$", ids[3]);
        Assert.NotEqual("aB3dE6gH9", ids[3]);
        Assert.Equal("functions.get_weather:0", ids[4]);
        Assert.Equal("functions.get_weather:1", ids[5]);
        var sent = run.Scenario.Script.Requests[^1].Messages;
        LoopHarness.AssertWellFormed(sent);
        Assert.Equal("weather 4", ToolLoopJson.ResultText(sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == ids[3]).Result));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F23_DuplicateIdsInIncomingHistory_AreRenamedWithTheirResults(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            List<ChatMessage> history =
            [
                new(ChatRole.User, "Q1"),
                new(ChatRole.Assistant, [new FunctionCallContent("call_0", "a")]),
                new(ChatRole.Tool, [new FunctionResultContent("call_0", "first")]),
                new(ChatRole.User, "Q2"),
                new(ChatRole.Assistant, [new FunctionCallContent("call_0", "b")]),
                new(ChatRole.Tool, [new FunctionResultContent("call_0", "second")]),
                new(ChatRole.User, "Q3"),
            ];
            return new LoopScenario(new ScriptedChatClient(ScriptedTurn.Text("ok")), history);
        });

        var sent = run.Scenario.Script.Requests[0].Messages;
        LoopHarness.AssertWellFormed(sent);
        var calls = sent.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_0", "call_1"], calls.Select(c => c.CallId));
        var results = sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.Equal(["call_0:first", "call_1:second"], results.Select(r => r.CallId + ":" + r.Result));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F24_EveryCallSentHasExactlyOneResult_DanglingCallsGetAStub(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            List<ChatMessage> history =
            [
                new(ChatRole.User, "Q1"),
                new(ChatRole.Assistant, [new FunctionCallContent("x1", "a"), new FunctionCallContent("x2", "b")]),
                new(ChatRole.Tool, [new FunctionResultContent("x1", "one"), new FunctionResultContent("x1", "one again"), new FunctionResultContent("orphan", "?")]),
                new(ChatRole.User, "Q2"),
            ];
            return new LoopScenario(new ScriptedChatClient(ScriptedTurn.Text("ok")), history);
        });

        var sent = run.Scenario.Script.Requests[0].Messages;
        LoopHarness.AssertWellFormed(sent);
        var results = sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.Equal(["x1", "x2"], results.Select(r => r.CallId));
        Assert.Equal("one", results[0].Result);
        Assert.Contains("No result was recorded", (string)results[1].Result!, StringComparison.Ordinal);
        Assert.Equal(ChatRole.Tool, sent[2].Role);
        Assert.Equal("Q2", sent[3].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F25_ReasoningIsCarriedBetweenIterations(bool streaming)
    {
        foreach (var mode in new[] { ReasoningCarryMode.All, ReasoningCarryMode.CurrentTurn, ReasoningCarryMode.None })
        {
            var run = await LoopHarness.RunBothAsync(streaming, () =>
            {
                List<ChatMessage> history =
                [
                    new(ChatRole.User, "Q1"),
                    new(ChatRole.Assistant, [new TextReasoningContent("old thoughts"), new TextContent("A1")]),
                    new(ChatRole.User, "Q2"),
                ];
                var script = new ScriptedChatClient(
                    new ScriptedTurn(new TextReasoningContent("I need the tool."), ScriptedTurn.Call("c1", "tool")),
                    ScriptedTurn.Text("A2"));
                return new LoopScenario(script, history, LoopScenario.WithTools(TestFunction.Returning("tool", "r")), new ToolLoopOptions { ReasoningCarry = mode });
            });

            var sent = run.Scenario.Script.Requests[1].Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text).ToList();
            string[] expected = mode switch
            {
                ReasoningCarryMode.All => ["old thoughts", "I need the tool."],
                ReasoningCarryMode.CurrentTurn => ["I need the tool."],
                _ => [],
            };
            Assert.Equal(expected, sent);
            Assert.Contains("reasoning[I need the tool.]", run.History, StringComparison.Ordinal); // the caller always gets it
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F26_Reducer_RunsBetweenIterations_AndNeverSeparatesACallFromItsResult(bool streaming)
    {
        var keepLast = new DelegateReducer(m => m.TakeLast(3));
        var dropTools = new DelegateReducer(m => m.Where(x => x.Role != ChatRole.Tool));
        foreach (var reducer in new[] { keepLast, dropTools })
        {
            var run = await LoopHarness.RunBothAsync(streaming, () =>
            {
                var script = new ScriptedChatClient(
                    ScriptedTurn.Calls(ScriptedTurn.Call("c1", "tool")),
                    ScriptedTurn.Calls(ScriptedTurn.Call("c2", "tool2")),
                    ScriptedTurn.Text("done"));
                return new LoopScenario(
                    script,
                    [new ChatMessage(ChatRole.User, "one"), new ChatMessage(ChatRole.Assistant, "two"), new ChatMessage(ChatRole.User, "three")],
                    LoopScenario.WithTools(TestFunction.Returning("tool", "r1"), TestFunction.Returning("tool2", "r2")),
                    new ToolLoopOptions { ChatReducer = reducer });
            });

            foreach (var request in run.Scenario.Script.Requests)
            {
                LoopHarness.AssertWellFormed(request.Messages);
            }

            var third = run.Scenario.Script.Requests[2].Messages;
            if (reducer == keepLast)
            {
                // The reducer kept [result c1, call c2, result c2]: the orphaned result c1 is dropped.
                Assert.Equal(["assistant", "tool"], third.Select(m => m.Role.Value));
                Assert.Equal("c2", third[0].Contents.OfType<FunctionCallContent>().Single().CallId);
            }
            else
            {
                // The reducer dropped every result: each is put back right after its call.
                Assert.Equal(["user", "assistant", "user", "assistant", "tool", "assistant", "tool"], third.Select(m => m.Role.Value));
            }
        }

        Assert.Equal(6, keepLast.Calls);
        Assert.Equal(6, dropTools.Calls);
    }

    [Fact]
    public async Task F34_WhenTheModelsStreamFailsAfterACall_TheCallGetsAResult_AndTheErrorIsRaised()
    {
        var tool = TestFunction.Returning("lookup", "x");
        var script = new ScriptedChatClient(new ScriptedTurn(new TextContent("Looking."), ScriptedTurn.Call("c1", "lookup"), new TextContent("more"))
        {
            BeforeUpdate = (i, _) => i == 2 ? throw new HttpRequestException("The connection was reset.") : Task.CompletedTask,
        });
        var loop = script.AsToolLoop();
        var updates = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var update in loop.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], LoopScenario.WithTools(tool), TestContext.Current.CancellationToken))
            {
                updates.Add(update);
            }
        });

        Assert.Equal("The connection was reset.", error.Message);
        Assert.Equal(0, tool.Count);
        var seen = updates.ToChatResponse().Messages;
        LoopHarness.AssertWellFormed(seen);
        var result = Assert.Single(seen.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal("c1", result.CallId);
        Assert.StartsWith("Not run", ToolLoopJson.ResultText(result.Result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task F34_WhenTheModelCallFails_NonStreaming_TheErrorIsRaised()
    {
        var script = new ScriptedChatClient(new ScriptedTurn(ScriptedTurn.Call("c1", "lookup"))
        {
            BeforeUpdate = (_, _) => throw new HttpRequestException("The connection was reset."),
        });
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => script.AsToolLoop().GetResponseAsync(
            [new ChatMessage(ChatRole.User, "hi")], LoopScenario.WithTools(TestFunction.Returning("lookup", "x")), TestContext.Current.CancellationToken));
        Assert.Equal("The connection was reset.", error.Message);
    }

    private sealed class DelegateReducer(Func<IEnumerable<ChatMessage>, IEnumerable<ChatMessage>> reduce) : IChatReducer
    {
        public int Calls { get; private set; }

        public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(reduce(messages.ToList()));
        }
    }
}
