using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests.Runtime;

/// <summary>
/// GenAI-specific behaviour of the adapter on the real runtime: GenAI's own <c>ApplyChatTemplate</c> as an oracle for
/// the rendered prompt, cancellation inside a model run through <c>terminate_session</c>, and native log lines.
/// Log options are process-wide, so these tests share one collection and restore them.
/// </summary>
[Collection(GenAILogGroup.Name)]
public sealed class GenAIRuntimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_rendered_prompt_equals_GenAI_ApplyChatTemplate_with_tools_calls_and_results()
    {
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder);
        AIFunction weather = TestTools.Weather();
        List<ChatMessage> history =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Weather in Paris? Use <tools> if you must."),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "Paris: sunny, 22 C")]),
            new(ChatRole.Assistant, "It is sunny."),
            new(ChatRole.User, "And now?"),
        ];

        string ours = client.Pipeline.RenderPrompt(history, new ChatOptions { Tools = [weather] }, out _).Text;

        // The same conversation in Hugging Face's shape, which GenAI's template engine takes as JSON.
        var messages = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "Be brief." },
            new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris? Use <tools> if you must." },
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = "",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["type"] = "function",
                    ["id"] = "call_1",
                    ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = new JsonObject { ["city"] = "Paris" } },
                }),
            },
            new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_1", ["name"] = "get_weather", ["content"] = "Paris: sunny, 22 C" },
            new JsonObject { ["role"] = "assistant", ["content"] = "It is sunny." },
            new JsonObject { ["role"] = "user", ["content"] = "And now?" });
        var tools = new JsonArray(new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = weather.Name,
                ["description"] = weather.Description,
                ["parameters"] = JsonNode.Parse(weather.JsonSchema.GetRawText()),
            },
        });
        string oracle = client.LocalModel.Tokenizer.ApplyChatTemplate(null, messages.ToJsonString(), tools.ToJsonString(), true);

        Assert.Equal(oracle, ours);
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", ours, StringComparison.Ordinal);
        Assert.Contains("<tool_response>\nParis: sunny, 22 C\n</tool_response>", ours, StringComparison.Ordinal);
        Assert.Contains("\"description\": \"Gets the current weather for a city.\"", ours, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)] // the prompt's run (AppendTokens)
    [InlineData(3)] // the run of the second generated token (GenerateNextToken)
    public async Task Cancelling_inside_a_model_run_terminates_the_session_and_the_client_stays_usable(int run)
    {
        using var cts = new CancellationTokenSource();
        var logger = new CancellingLogger(cts, run);
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { Logger = logger });
        List<ChatMessage> conversation = [new(ChatRole.User, "Hi")];
        await client.GetResponseAsync(conversation, cancellationToken: Ct);
        int promptTokens = client.Statistics.PromptTokens;

        // GenAI logs the model's inputs just before ONNX Runtime runs the graph; cancelling there lands inside the run.
        Utils.SetLogBool("model_input_values", true);
        OperationCanceledException error;
        try
        {
            logger.Armed = true;
            List<ChatMessage> longer = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello."), new(ChatRole.User, "Again")];
            error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(longer, cancellationToken: cts.Token));
        }
        finally
        {
            logger.Armed = false;
            Utils.SetLogBool("model_input_values", false);
        }

        Assert.True(logger.Cancelled);
        Assert.Equal(run, logger.Runs);
        OnnxRuntimeGenAIException native = Assert.IsType<OnnxRuntimeGenAIException>(error.InnerException);
        Assert.Contains("erminate", native.Message, StringComparison.Ordinal);
        Assert.Empty(client.Session.CachedTokens);
        Assert.Empty(client.Session.GeneratorSequence);
        Assert.Equal(2, client.Statistics.GeneratorsCreated);

        // A terminated run leaves GenAI's KV cache unsound, so the client starts a new generator and evaluates the prompt again.
        ChatResponse after = await client.GetResponseAsync(conversation, cancellationToken: Ct);
        Assert.Equal("Hello from the tiny scripted model.", after.Text);
        Assert.Equal(0, client.Statistics.PromptTokensReused);
        Assert.Equal(promptTokens, client.Statistics.PromptTokensDecoded);
    }

    [Fact]
    public async Task Native_log_lines_reach_the_client_logger()
    {
        var logger = new CapturingLogger();
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { Logger = logger });

        Utils.SetLogBool("model_output_shapes", true);
        try
        {
            await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);
        }
        finally
        {
            Utils.SetLogBool("model_output_shapes", false);
        }

        Assert.Contains(logger.Entries, e => e.Message.Contains("logits", StringComparison.Ordinal) && e.Message.Contains("Shape", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains('\n', StringComparison.Ordinal));
    }

    /// <summary>While armed, counts model runs (GenAI logs a <c>model_input_values</c> header before each) and cancels inside run number <paramref name="run"/>.</summary>
    private sealed class CancellingLogger(CancellationTokenSource cts, int run) : ILogger
    {
        public volatile bool Armed;
        public volatile bool Cancelled;
        public volatile int Runs;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!Armed || Cancelled || formatter(state, exception).Trim() != "model_input_values")
            {
                return;
            }

            if (++Runs == run)
            {
                Cancelled = true;
                cts.Cancel();
            }
        }
    }
}
