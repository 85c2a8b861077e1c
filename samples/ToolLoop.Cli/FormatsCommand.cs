using System.Text;

namespace ToolLoop.Cli;

/// <summary><c>toolloop formats</c>: the format names.</summary>
public static class FormatsCommand
{
    public static async Task<int> RunAsync(Stream stdout)
    {
        var sb = new StringBuilder();
        foreach (var format in Enum.GetValues<ToolCallFormat>())
        {
            sb.Append(ToolCallFormats.GetName(format)).Append('\n');
        }

        await stdout.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString())).ConfigureAwait(false);
        return 0;
    }
}
