namespace ToolLoop.Samples.Tests.Cli;

/// <summary><c>toolloop demo</c>: both runtimes end to end on the tiny scripted models, one approval each.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Without_a_terminal_it_approves_automatically_says_so_and_runs_both_backends()
    {
        using var console = new TestConsole(isTerminal: false);
        var code = await console.RunAsync("demo", "--threads", "1");

        Assert.True(code == 0, console.Output + console.Error);
        var output = console.Output;
        Assert.Contains("Standard input is not a terminal, so approvals are given automatically.", output, StringComparison.Ordinal);
        Assert.Contains("== llama.cpp (LLamaSharp) on a tiny scripted GGUF ==", output, StringComparison.Ordinal);
        Assert.Contains("== ONNX Runtime GenAI on a tiny scripted model folder ==", output, StringComparison.Ordinal);
        Assert.Equal(2, Count(output, "  ? approve calculate {\"expression\":\"17 * 23\"}: yes (approved automatically: standard input is not a terminal)"));
        Assert.Equal(2, Count(output, "  ← 391\n"));
        Assert.Equal(2, Count(output, "model> 17 * 23 is 391.\n"));
        Assert.Contains("Loaded toolloop-demo.gguf in", console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_it_asks_and_a_rejection_with_a_reason_keeps_the_tool_from_running()
    {
        using var console = new TestConsole(isTerminal: true, "n not today");
        var code = await console.RunAsync("demo", "--backend", "llamacpp", "--threads", "1");

        Assert.True(code == 0, console.Output + console.Error);
        Assert.Contains("  ? approve calculate {\"expression\":\"17 * 23\"}? [y/N, or n REASON] ", console.Output, StringComparison.Ordinal);
        Assert.Contains("  ✗ rejected: not today", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("← 391", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ONNX Runtime GenAI", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_yes_runs_the_call_on_onnx()
    {
        using var console = new TestConsole(isTerminal: true, "y");
        Assert.Equal(0, await console.RunAsync("demo", "--backend=onnx"));
        Assert.Contains("← 391", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("llama.cpp", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--backend", "vllm")]
    [InlineData("--backend")]
    [InlineData("--threads", "0")]
    [InlineData("extra")]
    public async Task Bad_arguments_are_usage_errors(params string[] args)
    {
        using var console = new TestConsole(isTerminal: false);
        Assert.Equal(2, await console.RunAsync(["demo", .. args]));
        Assert.Contains("toolloop --help", console.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, console.Output);
    }

    [Fact]
    public async Task The_built_tool_runs_the_demo_with_standard_input_redirected()
    {
        var (code, stdout, stderr) = await SampleProcess.RunAsync("ToolLoop.Cli", string.Empty, "demo", "--threads", "1");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Standard input is not a terminal", stdout, StringComparison.Ordinal);
        Assert.Equal(2, Count(stdout, "model> 17 * 23 is 391."));
        Assert.Contains("Demo complete.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_genai_natives_the_onnx_demo_is_a_one_line_error_not_a_crash_at_exit()
    {
        // A copy of the built tool without ONNX Runtime GenAI's native library, as when the native package is missing.
        var built = Path.GetDirectoryName(SampleProcess.AssemblyOf("ToolLoop.Cli"))!;
        var copy = Directory.CreateTempSubdirectory("toolloop-no-genai-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(built, "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(file).StartsWith("libonnxruntime-genai", StringComparison.Ordinal)
                    || Path.GetFileName(file).StartsWith("onnxruntime-genai", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = Path.Combine(copy, Path.GetRelativePath(built, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var (code, stdout, stderr) = await SampleProcess.RunAssemblyAsync(
                Path.Combine(copy, "ToolLoop.Cli.dll"), string.Empty, "demo", "--backend", "onnx");

            Assert.True(code == 1, stdout + stderr);
            var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("toolloop:", StringComparison.Ordinal)).ToList();
            Assert.Single(errors);
            Assert.Contains("could not be loaded", errors[0], StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
