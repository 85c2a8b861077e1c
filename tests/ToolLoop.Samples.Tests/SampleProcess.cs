using System.Diagnostics;
using System.Reflection;

namespace ToolLoop.Samples.Tests;

/// <summary>Runs a built sample (or the CLI) as a child process, the way a user runs it, with standard input redirected.</summary>
internal static class SampleProcess
{
    private static string Metadata(string key)
        => typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>The built entry assembly of <c>samples/NAME</c> (its build is this test build's configuration and RID).</summary>
    public static string AssemblyOf(string name)
    {
        var baseDir = Path.Combine(RepositoryRoot, "samples", name, "bin", Metadata("Configuration"), "net10.0");
        string[] candidates = [Path.Combine(baseDir, Metadata("RuntimeIdentifier"), name + ".dll"), Path.Combine(baseDir, name + ".dll")];
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"{name} is not built (looked for {string.Join(" and ", candidates)})");
    }

    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string name, string stdin, params string[] args)
        => RunAssemblyAsync(AssemblyOf(name), stdin, args);

    /// <summary>Runs the entry assembly at <paramref name="assemblyPath"/> (for example a copy of a sample's build).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAssemblyAsync(string assemblyPath, string stdin, params string[] args)
    {
        // The SDK names its host in DOTNET_HOST_PATH while it runs tests; otherwise the one on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(assemblyPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GGML_NO_BACKTRACE"] = "1";
        using var process = Process.Start(start)!;
        var ct = TestContext.Current.CancellationToken;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
