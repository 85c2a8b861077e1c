using System.Diagnostics;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.Interop;

/// <summary>
/// Native failures that break or end a process, run in a child process (ToolLoop.LlamaCpp.NativeProbe): they become
/// typed exceptions that say what to do, and LLamaSharp's crashing binding is still crashing.
/// </summary>
public sealed class NativeFailureTests
{
    [Fact]
    public void A_missing_native_library_says_which_package_to_add_and_that_the_process_stays_broken()
    {
        string folder = Directory.CreateTempSubdirectory("toolloop-badlib-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "libllama.so"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 0, 0]); // not a loadable library

            string[] lines = Probe(["load", folder], environment: null, out int exitCode);

            Assert.Equal(0, exitCode);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, line =>
            {
                Assert.Contains("LlamaCppException", line, StringComparison.Ordinal);
                Assert.Contains("LLamaSharp.Backend.Cpu", line, StringComparison.Ordinal);
                Assert.Contains("broken for the rest of this process", line, StringComparison.Ordinal);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_folder_without_libllama_is_refused_before_LLamaSharp_tries_it()
    {
        string folder = Directory.CreateTempSubdirectory("toolloop-nolib-").FullName;
        try
        {
            string[] lines = Probe(["load", folder], environment: null, out _);

            Assert.StartsWith("1: LlamaCppException", lines[0], StringComparison.Ordinal);
            Assert.Contains("has no libllama.so", lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("broken", lines[0], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_libgomp_is_named_with_how_to_install_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("libgomp is the Linux CPU natives' dependency.");
        }

        // An unloadable libgomp.so.1 first on the search path stands in for a machine without libgomp1.
        string folder = Directory.CreateTempSubdirectory("toolloop-nogomp-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "libgomp.so.1"), []);

            string[] lines = Probe(["load"], new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = folder }, out int exitCode);

            Assert.Equal(0, exitCode);
            Assert.Contains("libgomp.so.1", lines[0], StringComparison.Ordinal);
            Assert.Contains("apt-get install libgomp1", lines[0], StringComparison.Ordinal);
            Assert.Contains("broken for the rest of this process", lines[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_backend_loads_when_nothing_is_missing()
    {
        string[] lines = Probe(["load"], environment: null, out int exitCode);

        Assert.Equal(0, exitCode);
        Assert.Equal(["1: loaded", "2: loaded"], lines);
    }

    [Fact]
    public void LLamaSharp_lazy_grammar_binding_still_crashes_so_the_own_import_is_still_needed()
    {
        // When this fails (the process survives), LLamaSharp fixed AddLazyGrammar: drop LlamaNative's lazy-grammar import.
        string model = TinyScriptedModel.WriteTemporary(TinyModelRecipe.Reference);

        string[] lines = Probe(["lazy-grammar", model], environment: null, out int exitCode);

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("survived", lines);
    }

    private static string[] Probe(string[] arguments, Dictionary<string, string>? environment, out int exitCode)
    {
        string probe = Path.Combine(AppContext.BaseDirectory.Replace("ToolLoop.LlamaCpp.Tests", "ToolLoop.LlamaCpp.NativeProbe", StringComparison.Ordinal), "ToolLoop.LlamaCpp.NativeProbe.dll");
        Assert.True(File.Exists(probe), "the probe is not built: " + probe);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(probe);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GGML_NO_BACKTRACE"] = "1";
        foreach ((string key, string value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the probe did not end");
        _ = error.Result;
        exitCode = process.ExitCode;
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
