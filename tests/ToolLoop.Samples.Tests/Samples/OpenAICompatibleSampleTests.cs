using System.Text.Json;
using ToolLoop.Tests;

namespace ToolLoop.Samples.Tests.Samples;

/// <summary><c>samples/ToolLoop.Samples.OpenAICompatible</c> against a local server whose model writes its calls as text.</summary>
public sealed class OpenAICompatibleSampleTests
{
    private const string Sample = "ToolLoop.Samples.OpenAICompatible";

    [Fact]
    public async Task The_text_call_is_parsed_run_and_its_result_sent_back_to_the_server()
    {
        await using var server = await FakeOpenAIServer.StartAsync(
            request =>
                // The model's turn after the tool result answers; before it, the model writes a Hermes call as text.
                Messages(request).Any(m => m.GetProperty("role").GetString() == "tool")
                    ? "It is 11 °C with light rain in Bergen."
                    : "Let me check.<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Bergen\"}}</tool_call>",
            TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await SampleProcess.RunAsync(Sample, string.Empty, server.Endpoint.ToString());

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("-> get_weather(city: Bergen)", stdout, StringComparison.Ordinal);
        Assert.Contains("<- Bergen: 11 °C, light rain.", stdout, StringComparison.Ordinal);
        Assert.Contains("It is 11 °C with light rain in Bergen.", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<tool_call>", stdout, StringComparison.Ordinal);
        Assert.EndsWith("[stop reason: completed]\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        // Two model calls; the second carries the call and the tool's result.
        Assert.Equal(2, server.Requests.Count);
        var toolMessage = Assert.Single(Messages(server.Requests[1]), m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("Bergen: 11 °C, light rain.", toolMessage.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_down_is_a_one_line_error_and_a_bad_argument_a_usage_error()
    {
        // Nothing listens on port 9 of the loopback address (the discard port; no server in a test machine).
        var (code, stdout, stderr) = await SampleProcess.RunAsync(Sample, string.Empty, "http://127.0.0.1:9/v1");
        Assert.True(code == 1, stdout + stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        var (badCode, _, badErr) = await SampleProcess.RunAsync(Sample, string.Empty, "not a url");
        Assert.Equal(2, badCode);
        Assert.Contains("usage:", badErr, StringComparison.Ordinal);
    }

    private static JsonElement.ArrayEnumerator Messages(JsonElement request) => request.GetProperty("messages").EnumerateArray();
}
