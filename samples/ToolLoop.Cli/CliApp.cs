using ToolLoop.Cli.Chat;
using ToolLoop.Cli.Demo;
using ToolLoop.Cli.Render;
using ToolLoop.LlamaCpp;
using ToolLoop.Onnx;

namespace ToolLoop.Cli;

/// <summary>The <c>toolloop</c> command line: a command name, then that command's options.</summary>
public static class CliApp
{
    public const string Usage = """
        toolloop: tool calling for local and open-weight models (ToolLoop)

        Usage:
          toolloop demo [--backend llamacpp|onnx|all] [--yes]
          toolloop chat --model FILE.gguf|DIR [--sandbox DIR] [--yes] [--system TEXT] [--format FAMILY]
                        [--context N] [--threads N] [--max-tokens N] [--temperature T] [--max-iterations N]
          toolloop render (--template FILE | --gguf FILE [--template-name NAME]) --conversation FILE.json
                          [--tools FILE.json] [--format FAMILY] [--no-generation-prompt] [--thinking on|off]
                          [--bos TEXT] [--eos TEXT] [--show-segments | --json]
          toolloop parse [--format FAMILY|auto] [--tools a,b] [--tools-file tools.json] [--reasoning-open] [FILE]
          toolloop parse --jsonl [--format FAMILY|auto] [FILE]
          toolloop formats
          toolloop --version | --help
          (every option also takes its value as --option=value)

        demo       The whole tool loop on two tiny scripted models written on the spot (llama.cpp and ONNX Runtime
                   GenAI; nothing is downloaded): the model calls a tool, you approve it, the tool runs, the model
                   answers. Without a terminal on standard input the approval is automatic (and says so).
          --backend        llamacpp, onnx or all (default all)
          --yes            approve without asking

        chat       An interactive tool loop on a local model: a .gguf file (llama.cpp) or an ONNX Runtime GenAI model
                   folder (with genai_config.json). Built-in tools: get_time, calculate (arithmetic only, never code),
                   list_files and read_file (read-only, inside the sandbox folder; no '..', absolute paths or links).
                   Text streams as it is generated; tool calls (->) and results (<-) show as they happen.
                   Each call asks for approval: y runs it, n rejects it ('n REASON' tells the model why).
                   Ctrl+C cancels the running turn, not the program; /reset starts over; /exit or end of input quits.
          --model          the model file or folder (required)
          --sandbox        the folder the file tools may read (default: the current folder)
          --yes            run every call without asking
          --system         the system prompt ('' for none)
          --format         the tool-call family (default: detected from the chat template)
          --context        context size in tokens (default 4096 for GGUF, the model's for ONNX)
          --threads        generation threads for llama.cpp (default: half the cores)
          --max-tokens     cap on tokens per model reply
          --temperature    0 to 2 (default: the adapter's, greedy)
          --max-iterations model calls per turn (default 10)

        render     Renders a conversation through a chat template (a Jinja file, or the one inside a GGUF file) and
                   prints the prompt the model would see.
                   The conversation is OpenAI-style JSON: an array of messages, or {"messages": [...], "tools": [...]}.
                   A message is {"role", "content"}; an assistant message may have "reasoning_content" and
                   "tool_calls": [{"id", "type": "function", "function": {"name", "arguments"}}] (arguments a JSON
                   string or object); a tool result is {"role": "tool", "tool_call_id", "content"}. Tools are
                   [{"type": "function", "function": {"name", "description", "parameters"}}].
          --template-name  a named GGUF template (tokenizer.chat_template.NAME, e.g. tool_use)
          --tools          a JSON file of tools (replaces the conversation's)
          --format         the family whose tool block is inserted when the template ignores tools (default: detected)
          --no-generation-prompt  leave out the assistant header at the end
          --thinking       pass enable_thinking = true/false to the template
          --bos, --eos     the bos_token/eos_token variables (default: from the GGUF; unset for --template)
          --show-segments  one line per segment: 'framing' (template text, special tokens allowed) or 'data'
                           (message content, always tokenized as text), JSON-escaped
          --json           {"text", "segments": [{"text", "data"}], "generation_prompt", "tool_source", "family"}

        parse      Reads raw model output (FILE, or standard input) and prints the parse as JSON:
                   {"content", "reasoning", "calls": [{"id", "name", "arguments", "healed"}], "problems": [{"kind", "message", "raw"}]}
          --format         a family or alias (see 'toolloop formats'), or auto (default)
          --tools          declared tool names, comma-separated
          --tools-file     a JSON array of {"name", "parameters": {JSON schema}} (or names)
          --reasoning-open the output starts inside reasoning (the prompt pre-opened <think>)
          --jsonl          one JSON object per input line: {"input": "...", "format": "...", "tools": [...], "reasoning_open": false};
                           exactly one result line per input line; a bad or blank line gives {"error": "line N: ..."}
                           and the rest go on
        formats    Lists the format names and their aliases.

        Exit codes: 0 success, 1 runtime failure (bad input file, model, I/O), 2 usage error.
        """;

    /// <summary>Runs a command with in-memory streams and no terminal (tests, scripts).</summary>
    public static Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
        => RunAsync(args, new CliConsole(stdin, stdout, stderr));

    /// <summary>Runs a command; never throws: a usage mistake is exit code 2, any failure one line on standard error and exit code 1.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var stderr = console.Error;
        if (args.Length == 0)
        {
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            await WriteHelpAsync(console.OutputStream).ConfigureAwait(false);
            return 0;
        }

        try
        {
            var rest = args[1..];
            var code = args[0] switch
            {
                "parse" => await ParseCommand.RunAsync(rest, console.InputStream, console.OutputStream, stderr).ConfigureAwait(false),
                "formats" => await FormatsCommand.RunAsync(rest, console.OutputStream).ConfigureAwait(false),
                "render" => await RenderCommand.RunAsync(rest, console).ConfigureAwait(false),
                "chat" => await ChatCommand.RunAsync(rest, console).ConfigureAwait(false),
                "demo" => await DemoCommand.RunAsync(rest, console).ConfigureAwait(false),
                "--version" => await WriteVersionAsync(console.OutputStream).ConfigureAwait(false),
                _ => await UsageErrorAsync(stderr, $"unknown command '{args[0]}'").ConfigureAwait(false),
            };
            await console.FlushAsync().ConfigureAwait(false);
            return code;
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The command line never shows a stack trace: any failure is one line and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await FlushQuietlyAsync(console).ConfigureAwait(false);
            await stderr.WriteLineAsync("toolloop: " + Describe(ex)).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>A failure as one line: the message of the exception that says what to do, without type names for expected failures.</summary>
    internal static string Describe(Exception ex)
    {
        var message = ex switch
        {
            IOException or UnauthorizedAccessException or InputException or LlamaCppException or OnnxGenAIException => ex.Message,
            TemplateException t => "the chat template failed: " + t.Message,
            OperationCanceledException => "cancelled",
            _ => $"unexpected error ({ex.GetType().Name}): {ex.Message}",
        };
        return OneLine(message);
    }

    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : string.Join(" / ", lines);
    }

    private static async Task FlushQuietlyAsync(CliConsole console)
    {
        try
        {
            await console.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes the usage text to standard output (help that was asked for is output, not an error).</summary>
    internal static async Task WriteHelpAsync(Stream stdout)
    {
        await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Usage + "\n")).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
    }

    private static async Task<int> WriteVersionAsync(Stream stdout)
    {
        var version = typeof(ToolCallParser).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes("toolloop " + version + "\n")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("toolloop: " + message).ConfigureAwait(false);
        await stderr.WriteLineAsync("Run 'toolloop --help' for usage.").ConfigureAwait(false);
        return 2;
    }
}
