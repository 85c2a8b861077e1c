using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Tools;

/// <summary>
/// The tools <c>toolloop chat</c> and <c>toolloop demo</c> give the model: the current time, a calculator (a parser,
/// never code evaluation) and read-only access to one sandbox folder.
/// </summary>
internal static class BuiltInTools
{
    public const string GetTime = "get_time";
    public const string Calculate = "calculate";
    public const string ListFiles = "list_files";
    public const string ReadFile = "read_file";

    public static IReadOnlyList<AIFunction> Create(SandboxFolder sandbox, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var clock = time ?? TimeProvider.System;
        return
        [
            AIFunctionFactory.Create(
                ([Description("An IANA time zone such as Europe/Paris or America/New_York; leave empty for the computer's own zone.")] string? timeZone = null)
                    => CurrentTime(clock, timeZone),
                GetTime,
                "Gets the current date and time."),
            AIFunctionFactory.Create(
                ([Description("An arithmetic expression, for example (17 * 23) / 4 or sqrt(2) ^ 2. Operators: + - * / % ^; functions: sqrt abs round floor ceil ln log10 sin cos tan; constants: pi e.")] string expression)
                    => Calculator.Format(Calculator.Evaluate(expression)),
                Calculate,
                "Evaluates an arithmetic expression exactly as written and returns the number."),
            AIFunctionFactory.Create(
                ([Description("A folder relative to the sandbox folder; '.' is the sandbox folder itself.")] string path = ".")
                    => sandbox.List(path),
                ListFiles,
                "Lists the files and folders in a folder of the sandbox (folders end in '/')."),
            AIFunctionFactory.Create(
                ([Description("A file path relative to the sandbox folder, for example notes/todo.txt.")] string path)
                    => sandbox.ReadFile(path),
                ReadFile,
                $"Reads a text file in the sandbox folder (at most {SandboxFolder.MaxReadBytes / 1024} KiB)."),
        ];
    }

    private static string CurrentTime(TimeProvider clock, string? timeZone)
    {
        TimeZoneInfo zone;
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            zone = clock.LocalTimeZone;
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out zone!))
        {
            throw new ArgumentException($"unknown time zone '{timeZone}' (use an IANA name such as Europe/Paris)");
        }

        var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        return $"{now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)} ({now.ToString("dddd", CultureInfo.InvariantCulture)}, time zone {zone.Id})";
    }
}
