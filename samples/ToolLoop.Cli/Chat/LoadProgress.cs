using System.Diagnostics;
using System.Globalization;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// Shows that a model is loading: on a terminal a spinner with the elapsed time, redrawn on one line of standard error;
/// otherwise one line before and one after. Native loaders report no fraction done, so the spinner is honest about that.
/// </summary>
internal static class LoadProgress
{
    private static readonly string[] s_frames = ["|", "/", "-", "\\"];

    public static async Task<T> RunAsync<T>(TextWriter error, bool isTerminal, string what, Func<T> load)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Run(load);
        if (!isTerminal)
        {
            await error.WriteLineAsync($"Loading {what} ...").ConfigureAwait(false);
        }
        else
        {
            var frame = 0;
            while (!task.IsCompleted)
            {
                await error.WriteAsync($"\r{s_frames[frame++ % s_frames.Length]} Loading {what} ... {Seconds(watch.Elapsed)}").ConfigureAwait(false);
                await Task.WhenAny(task, Task.Delay(120)).ConfigureAwait(false);
            }

            await error.WriteAsync("\r\x1b[2K").ConfigureAwait(false);
        }

        var result = await task.ConfigureAwait(false);
        await error.WriteLineAsync($"Loaded {what} in {Seconds(watch.Elapsed)}.").ConfigureAwait(false);
        return result;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
