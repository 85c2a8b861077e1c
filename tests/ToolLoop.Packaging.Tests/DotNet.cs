using System.Diagnostics;
using System.Text;

namespace ToolLoop.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> CLI (or a built program) as a child process and captures its output.</summary>
internal static class DotNet
{
    /// <summary>A hang guard, not a timing assertion: packing everything on a loaded 2-core machine takes minutes.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(30);

    /// <summary>The dotnet host running the tests (so the child uses the same SDK installation).</summary>
    public static string HostPath => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; throws with the output when it exits non-zero.</summary>
    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output) = RunProgram(HostPath, workingDirectory, environment, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>Runs <paramref name="program"/> and returns its exit code and its interleaved stdout and stderr.</summary>
    public static (int ExitCode, string Output) RunProgram(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild settings must not leak into the child builds.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in {s_timeout}:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
