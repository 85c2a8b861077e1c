using Microsoft.Extensions.AI;
using ToolLoop.Cli.Chat;

namespace ToolLoop.Tests.Cli.Chat;

/// <summary>A chat turn on a scripted model: streamed output, approvals asked per call, cancellation.</summary>
public sealed class ChatSessionTests
{
    private sealed class Counter
    {
        public int Runs { get; set; }
    }

    private static (ChatSession Session, StringWriter Output, ScriptedChatClient Model, Counter Counter) Create(string answers, params ScriptedTurn[] turns)
    {
        var model = new ScriptedChatClient(turns);
        var counter = new Counter();
        var add = AIFunctionFactory.Create(
            (int a, int b) =>
            {
                counter.Runs++;
                return a + b;
            },
            "add",
            "Adds two numbers.");
        var output = new StringWriter();
        var approver = new ConsoleApprover(output, new LineReader(new StringReader(answers)));
        var session = new ChatSession(model.AsToolLoop(), new ChatOptions { Tools = [new ApprovalRequiredAIFunction(add)] }, new ChatPrinter(output), approver, "Be brief.");
        return (session, output, model, counter);
    }

    private static ScriptedTurn CallAdd() => new(new TextContent("Let me add."), ScriptedTurn.Call("c1", "add", new { a = 2, b = 3 }));

    [Fact]
    public async Task An_approved_call_runs_and_the_turn_shows_call_result_and_answer()
    {
        var (session, output, _, counter) = Create("y\n", CallAdd(), ScriptedTurn.Text("It is 5."));
        var outcome = await session.RunTurnAsync("2 + 3?", TestContext.Current.CancellationToken);

        Assert.Equal(1, counter.Runs);
        Assert.Equal((1, 0), (outcome.Approved, outcome.Rejected));
        Assert.Equal(ToolLoopStopReasons.Completed, outcome.StopReason);
        Assert.Equal("It is 5.", outcome.Text);
        var text = output.ToString();
        Assert.Contains("model> Let me add.\n", text, StringComparison.Ordinal);
        Assert.Contains("  ? approve add {\"a\":2,\"b\":3}? [y/N, or n REASON] ", text, StringComparison.Ordinal);
        Assert.Contains("  ← 5\n", text, StringComparison.Ordinal);
        Assert.EndsWith("model> It is 5.\n", text, StringComparison.Ordinal);
        // The history carries the approval answer, so the next turn's request is well-formed on its own.
        Assert.Equal(["system", "user"], session.History.Take(2).Select(m => m.Role.Value));
        Assert.Single(session.History, m => m.Role == ChatRole.User && m.Contents.Any(c => c is ToolApprovalResponseContent { Approved: true }));
        Assert.Single(session.History.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.CallId == "c1");
        Assert.Equal("It is 5.", session.History[^1].Text);
    }

    [Fact]
    public async Task A_rejection_with_a_reason_does_not_run_the_call_and_tells_the_model_why()
    {
        var (session, output, model, counter) = Create("n   use mental arithmetic\n", CallAdd(), ScriptedTurn.Text("Then 5, I think."));
        var outcome = await session.RunTurnAsync("2 + 3?", TestContext.Current.CancellationToken);

        Assert.Equal(0, counter.Runs);
        Assert.Equal((0, 1), (outcome.Approved, outcome.Rejected));
        Assert.Contains("  ✗ rejected: use mental arithmetic\n", output.ToString(), StringComparison.Ordinal);
        var told = model.Requests[^1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Contains("use mental arithmetic", told.Result?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maybe\nyes\n", 1)]
    [InlineData("\n", 0)]
    [InlineData("", 0)]
    public async Task Unclear_answers_ask_again_and_empty_or_closed_input_rejects(string answers, int runs)
    {
        var (session, output, _, counter) = Create(answers, CallAdd(), ScriptedTurn.Text("Done."));
        await session.RunTurnAsync("2 + 3?", TestContext.Current.CancellationToken);
        Assert.Equal(runs, counter.Runs);
        Assert.Equal(answers.StartsWith("maybe", StringComparison.Ordinal), output.ToString().Contains("answer y (run it) or n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_turn_leaves_the_history_as_it_was_and_the_next_turn_runs()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stalled = new ScriptedTurn(new TextContent("thinking about it"))
        {
            BeforeUpdate = async (_, ct) =>
            {
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
            },
        };
        var (session, output, _, _) = Create(string.Empty, stalled, ScriptedTurn.Text("Hello again."));

        var cancelled = await session.RunTurnAsync("first", cts.Token);
        Assert.True(cancelled.Cancelled);
        Assert.Contains("[turn cancelled]", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(["system"], session.History.Select(m => m.Role.Value));

        var next = await session.RunTurnAsync("second", TestContext.Current.CancellationToken);
        Assert.Equal("Hello again.", next.Text);
        Assert.Equal(["system", "user", "assistant"], session.History.Select(m => m.Role.Value));
    }

    [Fact]
    public async Task Reasoning_and_loop_notices_are_marked_apart_from_the_answer()
    {
        var output = new StringWriter();
        var printer = new ChatPrinter(output);
        await printer.PrintAsync(new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("hmm"), new TextReasoningContent(" ok")]));
        await printer.PrintAsync(new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("\nAnswer")]));
        await printer.PrintAsync(new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("budget used") { AdditionalProperties = new() { [ToolLoopPropertyNames.Notice] = true } }]));
        await printer.PrintAsync(new ChatResponseUpdate(ChatRole.Tool, [new FunctionResultContent("c", null) { Exception = new InvalidOperationException("boom") }]));
        await printer.EndTurnAsync(ToolLoopStopReasons.IterationBudget);

        Assert.Equal("(thinking) hmm ok\nmodel> Answer\n  [loop] budget used\n  ← error: boom\n  [the loop stopped: iteration_budget]\n", output.ToString());
    }
}
