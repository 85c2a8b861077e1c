using Microsoft.Extensions.AI;
using ToolLoop.Cli.Tools;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// <c>toolloop chat --model FILE.gguf|DIR</c>: an interactive tool loop on a local model with the built-in tools, calls and
/// results shown as they happen, approval asked per call (unless <c>--yes</c>), and Ctrl+C cancelling only the turn.
/// </summary>
public static class ChatCommand
{
    internal const string DefaultSystemPrompt =
        "You are a helpful assistant running on the user's computer. Use the tools when they help: get_time for the date and time, " +
        "calculate for arithmetic, list_files and read_file for the files in the user's sandbox folder.";

    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        string? modelPath = null, sandboxPath = null;
        string? system = DefaultSystemPrompt;
        var yes = false;
        var settings = new LocalModelSettings();
        var chatOptions = new ChatOptions();
        var maxIterations = 10;
        var reader = new ArgumentReader(args);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "--model": modelPath = reader.Value(); break;
                case "--sandbox": sandboxPath = reader.Value(); break;
                case "--yes" or "-y": yes = true; break;
                case "--system": system = reader.Value(); break;
                case "--format": settings = settings with { Format = reader.FormatValue() }; break;
                case "--context": settings = settings with { ContextSize = reader.IntValue(256) }; break;
                case "--threads": settings = settings with { Threads = reader.IntValue(1, 1024) }; break;
                case "--max-tokens": chatOptions.MaxOutputTokens = reader.IntValue(1); break;
                case "--temperature": chatOptions.Temperature = (float)reader.DoubleValue(0, 2); break;
                case "--max-iterations": maxIterations = reader.IntValue(1, 100); break;
                case "-h" or "--help":
                    await CliApp.WriteHelpAsync(console.OutputStream).ConfigureAwait(false);
                    return 0;
                default:
                    throw reader.Unknown();
            }
        }

        if (modelPath is null)
        {
            throw new UsageException("chat needs --model FILE.gguf or --model DIR (an ONNX Runtime GenAI model folder)");
        }

        LocalModel.Validate(modelPath);
        var sandbox = new SandboxFolder(sandboxPath ?? Directory.GetCurrentDirectory());
        using var model = await LoadProgress.RunAsync(console.Error, console.ErrorIsTerminal, Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath)), () => LocalModel.Open(modelPath, settings)).ConfigureAwait(false);

        var input = new LineReader(console.In);
        var printer = new ChatPrinter(console.Out);
        var session = CreateSession(model, sandbox, yes, system, chatOptions, maxIterations, printer, new ConsoleApprover(console.Out, input));
        var output = console.Out;
        await output.WriteLineAsync($"toolloop chat: {model.Runtime}, tool calls in the {ToolCallFormats.GetName(model.Format)} format.").ConfigureAwait(false);
        await output.WriteLineAsync($"Tools: {string.Join(", ", BuiltInToolNames)} (files: read-only inside {sandbox.Root}).").ConfigureAwait(false);
        await output.WriteLineAsync(yes ? "Approvals: off (--yes), every call runs." : "Approvals: asked for every call.").ConfigureAwait(false);
        await output.WriteLineAsync("Ctrl+C cancels the current turn; /reset starts over; /exit (or the end of input) quits.").ConfigureAwait(false);

        var interrupted = false;
        while (true)
        {
            await output.WriteAsync("you> ").ConfigureAwait(false);
            string? line;
            using (var prompt = new CancellationTokenSource())
            using (console.OnCancel(prompt.Cancel))
            {
                try
                {
                    line = await input.ReadLineAsync(prompt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (interrupted)
                    {
                        await output.WriteLineAsync().ConfigureAwait(false);
                        return 0;
                    }

                    interrupted = true;
                    await output.WriteLineAsync("\n(no turn is running: press Ctrl+C again or type /exit to quit)").ConfigureAwait(false);
                    continue;
                }
            }

            interrupted = false;
            if (line is null)
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                return 0;
            }

            var text = line.Trim();
            switch (text)
            {
                case "":
                    continue;
                case "/exit" or "/quit":
                    return 0;
                case "/reset":
                    session.Reset();
                    await output.WriteLineAsync("(conversation cleared)").ConfigureAwait(false);
                    continue;
                case "/help":
                    await output.WriteLineAsync("Type a message. /reset clears the conversation, /exit quits, Ctrl+C cancels a running turn.").ConfigureAwait(false);
                    continue;
            }

            using var turn = new CancellationTokenSource();
            using (console.OnCancel(turn.Cancel))
            {
                await session.RunTurnAsync(text, turn.Token).ConfigureAwait(false);
            }
        }
    }

    internal static IEnumerable<string> BuiltInToolNames => [BuiltInTools.GetTime, BuiltInTools.Calculate, BuiltInTools.ListFiles, BuiltInTools.ReadFile];

    /// <summary>The session both <c>chat</c> and <c>demo</c> run: the built-in tools (each needing approval unless <paramref name="yes"/>) under the tool loop.</summary>
    internal static ChatSession CreateSession(LocalModel model, SandboxFolder sandbox, bool yes, string? system, ChatOptions chatOptions, int maxIterations, ChatPrinter printer, IApprover approver)
    {
        var tools = BuiltInTools.Create(sandbox);
        chatOptions.Tools = [.. tools.Select(t => yes ? t : (AITool)new ApprovalRequiredAIFunction(t))];
        var agent = model.Client.AsToolLoop(new ToolLoopOptions { MaximumIterations = maxIterations, IncludeDetailedErrors = true });
        return new ChatSession(agent, chatOptions, printer, approver, system);
    }
}
