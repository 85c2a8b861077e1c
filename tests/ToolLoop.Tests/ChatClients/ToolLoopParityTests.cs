using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Feature 40: what FunctionInvokingChatClient offers, the loop offers too.</summary>
public sealed class ToolLoopParityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_FunctionInvoker_ReplacesTheInvocation_InsideTheLoopsHandling(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var tool = TestFunction.Returning("lookup", "real result");
            var options = new ToolLoopOptions
            {
                FunctionInvoker = async (context, ct) =>
                {
                    Assert.Equal("l1", context.Call.CallId);
                    Assert.Same(context, ToolInvocationContext.Current);
                    return "wrapped(" + await context.Function.InvokeAsync(context.Arguments, ct) + ")";
                },
            };
            return new LoopScenario(new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("l1", "lookup")), ScriptedTurn.Text("ok")), chatOptions: LoopScenario.WithTools(tool), options: options);
        });

        Assert.Equal("wrapped(real result)", run.ResultText("l1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_AdditionalTools_RunWithoutBeingAdvertised(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var hidden = TestFunction.Returning("server_known", "hidden ran");
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("h1", "server_known")), ScriptedTurn.Text("ok")),
                chatOptions: LoopScenario.WithTools(TestFunction.Returning("advertised", "x")),
                options: new ToolLoopOptions { AdditionalTools = [hidden] });
        });

        Assert.Equal("hidden ran", run.ResultText("h1"));
        Assert.Equal(["advertised"], run.Scenario.Script.Requests[0].ToolNames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_TerminateOnUnknownCalls_ReturnsTheRoundUnexecuted(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var known = TestFunction.Returning("known", "ran");
            return new LoopScenario(
                new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("k1", "known"), ScriptedTurn.Call("u1", "client_side"))),
                chatOptions: LoopScenario.WithTools(known),
                options: new ToolLoopOptions { TerminateOnUnknownCalls = true }) { Items = { ["known"] = known } };
        }, wellFormed: false);

        Assert.Equal(ToolLoopStopReasons.CallsReturned, run.StopReason);
        Assert.Equal(ChatFinishReason.ToolCalls, run.Response.FinishReason);
        Assert.Equal(0, run.Scenario.Item<TestFunction>("known").Count);
        Assert.Equal(["k1", "u1"], run.Calls.Select(c => c.CallId));
        Assert.Empty(run.Results);
        Assert.Single(run.Scenario.Script.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_ADeclarationOnlyTool_IsTheCallersToRun_AndTheLoopGoesOnWithItsResult(bool streaming)
    {
        var declaration = AIFunctionFactory.CreateDeclaration("pick_file", "Lets the user pick a file.", AIJsonUtilities.CreateJsonSchema(typeof(object)));
        var first = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("p1", "pick_file")), ScriptedTurn.Text("You picked notes.txt.")),
            chatOptions: LoopScenario.WithTools(declaration)), wellFormed: false);

        Assert.Equal(ToolLoopStopReasons.CallsReturned, first.StopReason);
        Assert.Equal("p1", Assert.Single(first.Calls).CallId);

        // The caller answers the call in the next request; the loop sends it on.
        var scenario = new LoopScenario(
            new ScriptedChatClient(ScriptedTurn.Text("You picked notes.txt.")),
            chatOptions: LoopScenario.WithTools(declaration));
        List<ChatMessage> history = [.. scenario.Messages, .. first.Response.Messages, new(ChatRole.Tool, [new FunctionResultContent("p1", "notes.txt")])];
        var second = await LoopHarness.RunAsync(scenario, streaming, history, TestContext.Current.CancellationToken);
        Assert.Equal(ToolLoopStopReasons.Completed, second.StopReason);
        var sent = scenario.Script.Requests[0].Messages;
        LoopHarness.AssertWellFormed(sent);
        Assert.Equal("notes.txt", sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_ConversationId_SendsOnlyTheNewMessagesAfterAResponseThatHasOne(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient(
                new ScriptedTurn(ScriptedTurn.Call("c1", "lookup")) { ConversationId = "conv_1" },
                new ScriptedTurn(new TextContent("Found.")) { ConversationId = "conv_1" }),
            [new ChatMessage(ChatRole.User, "Look it up.")],
            LoopScenario.WithTools(TestFunction.Returning("lookup", "x"))));

        var second = run.Scenario.Script.Requests[1];
        Assert.Equal("conv_1", second.Options!.ConversationId);
        var message = Assert.Single(second.Messages);
        Assert.Equal(ChatRole.Tool, message.Role);
        Assert.Equal("c1", Assert.Single(message.Contents.OfType<FunctionResultContent>()).CallId);
        Assert.Equal("conv_1", run.Response.ConversationId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F40_ConversationId_ResultsForCallsTheServiceHolds_AreSentAsTheyAre(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var options = LoopScenario.WithTools(TestFunction.Returning("lookup", "x"));
            options.ConversationId = "conv_9";
            return new LoopScenario(
                new ScriptedChatClient(new ScriptedTurn(new TextContent("Thanks.")) { ConversationId = "conv_9" }),
                [new ChatMessage(ChatRole.Tool, [new FunctionResultContent("srv_call", "picked")])],
                options);
        });

        var sent = Assert.Single(run.Scenario.Script.Requests).Messages;
        Assert.Equal("srv_call", Assert.Single(Assert.Single(sent).Contents.OfType<FunctionResultContent>()).CallId);
        Assert.Equal("conv_9", run.Scenario.Script.Requests[0].Options!.ConversationId);
    }
}
