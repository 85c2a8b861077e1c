using System.Text;

namespace ToolLoop.Cli;

/// <summary><c>toolloop formats</c>: every format's canonical name and the aliases <c>--format</c> also accepts.</summary>
public static class FormatsCommand
{
    public static async Task<int> RunAsync(string[] args, Stream stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        if (args.Length > 0)
        {
            if (args[0] is "-h" or "--help")
            {
                await CliApp.WriteHelpAsync(stdout).ConfigureAwait(false);
                return 0;
            }

            throw new UsageException($"'formats' takes no arguments (got '{args[0]}')");
        }

        // The name column is as wide as the longest name plus two spaces, so no name runs into its aliases.
        var formats = Enum.GetValues<ToolCallFormat>();
        int width = formats.Max(f => ToolCallFormats.GetName(f).Length) + 2;
        var sb = new StringBuilder();
        sb.Append("name".PadRight(width)).Append("aliases (case-insensitive; '_' and '-' are the same)\n");
        foreach (var format in formats)
        {
            var aliases = ToolCallFormats.GetAliases(format);
            sb.Append(ToolCallFormats.GetName(format).PadRight(width));
            sb.Append(format == ToolCallFormat.Auto ? "(reads every family's markers; the default)" : aliases.Count == 0 ? "-" : string.Join(", ", aliases));
            sb.Append('\n');
        }

        await stdout.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString())).ConfigureAwait(false);
        return 0;
    }
}
