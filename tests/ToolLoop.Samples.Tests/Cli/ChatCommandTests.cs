using ToolLoop.Cli.Demo;

namespace ToolLoop.Samples.Tests.Cli;

/// <summary><c>toolloop chat</c> on the demo's tiny scripted models: the loop, approvals, Ctrl+C, and its errors.</summary>
public sealed class ChatCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("toolloop-chat-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Gguf() => DemoModels.WriteGguf(_directory);

    [Fact]
    public async Task With_yes_a_question_runs_the_tool_and_the_answer_streams()
    {
        using var console = new TestConsole(isTerminal: false, DemoModels.Question, "/exit");
        var code = await console.RunAsync("chat", "--model", Gguf(), "--yes", "--threads", "1", "--sandbox", _directory);

        Assert.True(code == 0, console.Output + console.Error);
        var output = console.Output;
        Assert.Contains("toolloop chat: llama.cpp, tool calls in the hermes format.", output, StringComparison.Ordinal);
        Assert.Contains("Approvals: off (--yes)", output, StringComparison.Ordinal);
        Assert.Contains($"files: read-only inside {_directory}", output, StringComparison.Ordinal);
        Assert.Contains("  → calculate {\"expression\":\"17 * 23\"}\n  ← 391\nmodel> 17 * 23 is 391.\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("? approve", output, StringComparison.Ordinal);
        Assert.Contains("Loading toolloop-demo.gguf", console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_call_asks_for_approval_and_a_rejection_keeps_the_tool_from_running()
    {
        using var console = new TestConsole(isTerminal: true, DemoModels.Question, "n  not now", "/reset", DemoModels.Question, "yes");
        console.EndInput();
        var code = await console.RunAsync("chat", "--model", Gguf(), "--threads", "1", "--sandbox", _directory);

        Assert.True(code == 0, console.Output + console.Error);
        var output = console.Output;
        Assert.Contains("Approvals: asked for every call.", output, StringComparison.Ordinal);
        var first = output.IndexOf("✗ rejected: not now", StringComparison.Ordinal);
        var reset = output.IndexOf("(conversation cleared)", StringComparison.Ordinal);
        var result = output.IndexOf("← 391", StringComparison.Ordinal);
        Assert.True(first >= 0 && reset > first && result > reset, output);
    }

    [Fact]
    public async Task An_onnx_model_folder_runs_through_the_onnx_adapter()
    {
        var folder = DemoModels.WriteGenAi(_directory);
        using var console = new TestConsole(isTerminal: false, DemoModels.Question);
        console.EndInput();
        var code = await console.RunAsync("chat", "--model", folder, "--yes", "--sandbox", _directory);

        Assert.True(code == 0, console.Output + console.Error);
        Assert.Contains("toolloop chat: ONNX Runtime GenAI, tool calls in the hermes format.", console.Output, StringComparison.Ordinal);
        Assert.Contains("← 391", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_cancels_the_running_turn_and_the_chat_goes_on()
    {
        using var console = new TestConsole(isTerminal: true);
        var run = console.RunAsync("chat", "--model", Gguf(), "--threads", "1", "--sandbox", _directory);

        await console.WaitForAsync("you> ");
        console.Type(DemoModels.Question);
        await console.WaitForAsync("? approve calculate");
        Assert.True(console.Console.RequestCancel());
        await console.WaitForAsync("[turn cancelled]");
        await console.WaitForAsync("you> ", 2);

        console.Type(DemoModels.Question);
        await console.WaitForAsync("? approve calculate", 2);
        console.Type("y");
        await console.WaitForAsync("model> 17 * 23 is 391.");
        await console.WaitForAsync("you> ", 3);

        // At the prompt there is no turn to cancel: the first Ctrl+C explains, the second quits.
        Assert.True(console.Console.RequestCancel());
        await console.WaitForAsync("press Ctrl+C again or type /exit to quit");
        await console.WaitForAsync("you> ", 4);
        Assert.True(console.Console.RequestCancel());
        Assert.Equal(0, await run);
        Assert.Equal(1, console.Output.Split("← 391").Length - 1);
        Assert.False(console.Console.RequestCancel()); // nothing is listening any more: Ctrl+C would end the process
    }

    [Theory]
    [InlineData("--yes")]
    [InlineData("--model")]
    [InlineData("--model", "m.gguf", "--temperature", "5")]
    [InlineData("--model", "m.gguf", "--context", "ten")]
    [InlineData("--model", "m.gguf", "--format", "nope")]
    [InlineData("--model", "m.gguf", "--bogus")]
    public async Task Bad_arguments_are_usage_errors(params string[] args)
    {
        using var console = new TestConsole(isTerminal: false);
        Assert.Equal(2, await console.RunAsync(["chat", .. args]));
        Assert.Contains("Run 'toolloop --help' for usage.", console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_that_cannot_be_used_are_one_line_errors()
    {
        var garbage = Path.Combine(_directory, "garbage.gguf");
        await File.WriteAllTextAsync(garbage, "not a model", TestContext.Current.CancellationToken);
        var notGguf = Path.Combine(_directory, "model.bin");
        await File.WriteAllTextAsync(notGguf, "x", TestContext.Current.CancellationToken);
        var emptyFolder = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;
        var brokenFolder = Directory.CreateDirectory(Path.Combine(_directory, "broken")).FullName;
        await File.WriteAllTextAsync(Path.Combine(brokenFolder, "genai_config.json"), "{ not json", TestContext.Current.CancellationToken);

        (string[] Args, string Expected)[] cases =
        [
            (["--model", Path.Combine(_directory, "missing.gguf")], "no such file or folder"),
            (["--model", notGguf], "must be a .gguf file"),
            (["--model", emptyFolder], "no genai_config.json"),
            (["--model", garbage], "garbage.gguf"),
            (["--model", brokenFolder], "broken"),
            (["--model", Gguf(), "--sandbox", Path.Combine(_directory, "nowhere")], "does not exist"),
        ];
        foreach (var (args, expected) in cases)
        {
            using var console = new TestConsole(isTerminal: false);
            var code = await console.RunAsync(["chat", .. args]);
            var lastLine = console.Error.TrimEnd('\n').Split('\n')[^1];
            Assert.True(code == 1, $"{string.Join(' ', args)}: {code} {console.Error}");
            Assert.StartsWith("toolloop: ", lastLine, StringComparison.Ordinal);
            Assert.Contains(expected, lastLine, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", console.Error, StringComparison.Ordinal);
        }
    }
}
