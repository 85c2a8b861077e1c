namespace ToolLoop.Samples.Tests.Samples;

/// <summary>
/// <c>samples/ToolLoop.Samples.LLamaSharp</c> and <c>samples/ToolLoop.Samples.Onnx</c> on their tiny scripted models: the
/// tool call, the real tool's result, the answer, and KV-cache reuse across the loop's rounds.
/// </summary>
public sealed class LocalModelSampleTests
{
    [Fact]
    public async Task LLamaSharp_weights_get_tool_calling_and_stay_the_applications()
    {
        var (code, stdout, stderr) = await SampleProcess.RunAsync("ToolLoop.Samples.LLamaSharp", string.Empty);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("tool calls in the hermes format", stdout, StringComparison.Ordinal);
        Assert.Contains("  -> get_weather(city: Paris)\n  <- Paris: sunny, 22 C\nThe weather in Paris is sunny, 22 C.", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("weights still open: True", stdout, StringComparison.Ordinal);
        AssertReused(stdout);
        Assert.DoesNotContain("llama_model_loader", stderr, StringComparison.Ordinal); // the native log is routed, not printed
    }

    [Fact]
    public async Task The_onnx_adapter_runs_the_loop_on_a_model_folder()
    {
        var (code, stdout, stderr) = await SampleProcess.RunAsync("ToolLoop.Samples.Onnx", string.Empty);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("  -> get_weather(city: Paris)\n  <- Paris: sunny, 22 C\nThe weather in Paris is sunny, 22 C.", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("stop reason: completed", stdout, StringComparison.Ordinal);
        AssertReused(stdout);
    }

    [Fact]
    public async Task A_missing_model_fails_with_the_adapters_message()
    {
        var (code, _, stderr) = await SampleProcess.RunAsync("ToolLoop.Samples.Onnx", string.Empty, "/no/such/folder");
        Assert.NotEqual(0, code);
        Assert.Contains("genai_config.json", stderr, StringComparison.Ordinal);
    }

    /// <summary>The second round reused the first round's prompt from the cache (a relation, not a count).</summary>
    private static void AssertReused(string stdout)
    {
        var line = stdout.ReplaceLineEndings("\n").Split('\n').Single(l => l.Contains("KV cache: ", StringComparison.Ordinal));
        var words = line[(line.IndexOf("KV cache: ", StringComparison.Ordinal) + 10)..].Split(' ');
        var reused = int.Parse(words[0], System.Globalization.CultureInfo.InvariantCulture);
        var total = int.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reused, 1, total - 1);
    }
}
