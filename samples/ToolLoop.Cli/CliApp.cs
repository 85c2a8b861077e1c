namespace ToolLoop.Cli;

/// <summary>The <c>toolloop</c> command line: a command name, then that command's options.</summary>
public static class CliApp
{
    public const string Usage = """
        toolloop: tool-call parsing and chat templates for open-weight models

        Usage:
          toolloop parse [--format <family|auto>] [--tools a,b] [--tools-file tools.json] [--reasoning-open] [FILE]
          (every option also takes its value as --option=value)
          toolloop parse --jsonl [--format <family|auto>] [FILE]
          toolloop formats
          toolloop --version

        parse      Reads raw model output (FILE, or standard input) and prints the parse as JSON:
                   {"content", "reasoning", "calls": [{"id", "name", "arguments", "healed"}], "problems": [{"kind", "message", "raw"}]}
          --format         a format name (see "toolloop formats": hermes, qwen3-coder, llama3, gpt-oss, lfm2, …), or auto (default)
          --tools          declared tool names, comma-separated
          --tools-file     a JSON array of {"name", "parameters": {JSON schema}} (or names)
          --reasoning-open the output starts inside reasoning (the prompt pre-opened <think>)
          --jsonl          one JSON object per input line: {"input": "...", "format": "...", "tools": [...], "reasoning_open": false};
                           exactly one result line per input line; a bad or blank line gives {"error": "line N: ..."}
                           and the rest go on
        formats    Lists the format names and their aliases.

        Exit codes: 0 success, 1 bad input file or I/O error, 2 usage error.
        """;

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            await WriteHelpAsync(stdout).ConfigureAwait(false);
            return 0;
        }

        try
        {
            return args[0] switch
            {
                "parse" => await ParseCommand.RunAsync(args[1..], stdin, stdout, stderr).ConfigureAwait(false),
                "formats" => await FormatsCommand.RunAsync(stdout).ConfigureAwait(false),
                "--version" => await WriteVersionAsync(stdout).ConfigureAwait(false),
                _ => await UsageErrorAsync(stderr, $"unknown command '{args[0]}'").ConfigureAwait(false),
            };
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InputException)
        {
            await stderr.WriteLineAsync("toolloop: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
#pragma warning disable CA1031 // The command line never shows a stack trace: any other failure is one line and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await stderr.WriteLineAsync($"toolloop: unexpected error ({ex.GetType().Name}): {ex.Message}").ConfigureAwait(false);
            return 1;
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
