using Microsoft.Extensions.AI;
using ToolLoop.Cli.Chat;
using ToolLoop.Cli.Tools;

namespace ToolLoop.Cli.Demo;

/// <summary>
/// <c>toolloop demo</c>: the whole loop on the built-in tiny scripted models, once on llama.cpp and once on ONNX Runtime
/// GenAI, with one approval each. Nothing is downloaded; the natives come from the NuGet packages. Without a terminal on
/// standard input the approval is given automatically (and the output says so), so CI can run it.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var backends = new List<string> { "llamacpp", "onnx" };
        var yes = false;
        int? threads = null;
        var reader = new ArgumentReader(args);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "--backend":
                    backends = reader.Value() switch
                    {
                        "llamacpp" or "llama.cpp" or "gguf" => ["llamacpp"],
                        "onnx" => ["onnx"],
                        "all" => backends,
                        var v => throw new UsageException($"option '--backend' takes llamacpp, onnx or all (got '{v}')"),
                    };
                    break;
                case "--yes" or "-y": yes = true; break;
                case "--threads": threads = reader.IntValue(1, 1024); break;
                case "-h" or "--help":
                    await CliApp.WriteHelpAsync(console.OutputStream).ConfigureAwait(false);
                    return 0;
                default:
                    throw reader.Unknown();
            }
        }

        var output = console.Out;
        var input = new LineReader(console.In);
        IApprover approver = yes
            ? new AutomaticApprover(output, "--yes")
            : console.InputIsTerminal
                ? new ConsoleApprover(output, input)
                : new AutomaticApprover(output, "approved automatically: standard input is not a terminal");
        await output.WriteLineAsync("toolloop demo: the tool loop end to end on two tiny scripted models, written just now (no download).").ConfigureAwait(false);
        await output.WriteLineAsync("The models are scripted: asked with tools, they call calculate; given its result, they answer.").ConfigureAwait(false);
        await output.WriteLineAsync("Template, tokenizer, runtime, parser, loop, approval and the tool itself are the real ones.").ConfigureAwait(false);
        if (!yes && !console.InputIsTerminal)
        {
            await output.WriteLineAsync("Standard input is not a terminal, so approvals are given automatically.").ConfigureAwait(false);
        }

        var directory = Path.Combine(Path.GetTempPath(), "toolloop-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var backend in backends)
            {
                var failure = await RunOneAsync(backend, directory, threads, console, approver).ConfigureAwait(false);
                if (failure is not null)
                {
                    await console.Error.WriteLineAsync("toolloop: demo: " + failure).ConfigureAwait(false);
                    return 1;
                }
            }
        }
        finally
        {
            TryDelete(directory);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Demo complete. Next: 'toolloop chat --model FILE.gguf' (or an ONNX GenAI folder) for a real model.").ConfigureAwait(false);
        return 0;
    }

    /// <summary>One backend's run; returns what went wrong, or <see langword="null"/>.</summary>
    private static async Task<string?> RunOneAsync(string backend, string directory, int? threads, CliConsole console, IApprover approver)
    {
        var output = console.Out;
        var (title, path) = backend == "llamacpp"
            ? ("llama.cpp (LLamaSharp) on a tiny scripted GGUF", DemoModels.WriteGguf(directory))
            : ("ONNX Runtime GenAI on a tiny scripted model folder", DemoModels.WriteGenAi(directory));
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"== {title} ==").ConfigureAwait(false);
        using var model = await LoadProgress.RunAsync(console.Error, console.ErrorIsTerminal, Path.GetFileName(path), () => LocalModel.Open(path, new LocalModelSettings { Threads = threads })).ConfigureAwait(false);
        var session = ChatCommand.CreateSession(model, new SandboxFolder(directory), yes: false, ChatCommand.DefaultSystemPrompt, new ChatOptions(), 5, new ChatPrinter(output), approver);
        await output.WriteLineAsync("you> " + DemoModels.Question).ConfigureAwait(false);
        TurnOutcome outcome;
        using (var turn = new CancellationTokenSource())
        using (console.OnCancel(turn.Cancel))
        {
            outcome = await session.RunTurnAsync(DemoModels.Question, turn.Token).ConfigureAwait(false);
        }

        if (outcome.Cancelled)
        {
            return "cancelled";
        }

        // The demo checks itself, so a broken pipeline fails loudly (CI runs this command).
        var calculated = outcome.Results.Where(r => r.Exception is null && r.Result?.ToString() == DemoModels.ExpectedResult).ToList();
        if (outcome.StopReason != ToolLoopStopReasons.Completed)
        {
            return $"{backend}: the loop stopped with '{outcome.StopReason}' instead of completing";
        }

        if (outcome.Approved == 1 && calculated.Count != 1)
        {
            return $"{backend}: the approved calculate call did not return {DemoModels.ExpectedResult}";
        }

        if (outcome.Approved + outcome.Rejected != 1)
        {
            return $"{backend}: expected one approval request, saw {outcome.Approved + outcome.Rejected}";
        }

        if (outcome.Approved == 1 && outcome.Text.Trim() != DemoModels.AnswerText)
        {
            return $"{backend}: the answer was '{outcome.Text.Trim()}', not the scripted '{DemoModels.AnswerText}'";
        }

        return null;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a native library on some systems; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
