using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Tests.TinyModel;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests.ChatClients;

/// <summary>
/// Microsoft's <see cref="OnnxRuntimeGenAIChatClient"/> (in the managed GenAI package) and ToolLoop's adapter on the
/// same tiny model. Microsoft's never reads <see cref="ChatOptions.Tools"/>, returns a call only as raw text (when a
/// custom formatter renders the tools), and drops calls and results from the history; ToolLoop's runs the tool.
/// If a GenAI release fixes any of that, this test says so.
/// </summary>
[Collection(GenAILogGroup.Name)]
public sealed class SideBySideTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Microsoft_client_returns_raw_call_text_and_drops_the_history_while_ToolLoop_runs_the_tool()
    {
        TinyGenAiRecipe script = TinyGenAiRecipe.Reference;
        var invoked = new List<string>();
        var options = new ChatOptions { Tools = [TestTools.Weather(invoked)] };
        List<ChatMessage> question = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "What's the weather in Paris?")];

        // 1. Microsoft's client with its defaults: the declared tool never reaches the prompt.
        using (var microsoft = new OnnxRuntimeGenAIChatClient(TestModels.ReferenceModel, ownsModel: false))
        {
            ChatResponse response = await microsoft.GetResponseAsync(question, options, Ct);
            Assert.StartsWith(script.PlainText, response.Text, StringComparison.Ordinal);
            Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        }

        // 2. With a formatter that renders the tools (ToolLoop's renderer), the call comes back as raw text, not as a call.
        var renderer = new ChatTemplateRenderer(TinyGenAiModel.ChatTemplate, ToolCallFormat.Hermes);
        var formatted = new OnnxRuntimeGenAIChatClientOptions { PromptFormatter = (messages, o) => renderer.Render(messages, o).Text };
        using (var microsoft = new OnnxRuntimeGenAIChatClient(TestModels.ReferenceModel, ownsModel: false, formatted))
        {
            ChatResponse response = await microsoft.GetResponseAsync(question, options, Ct);
            Assert.Contains(script.ToolCallText, response.Text, StringComparison.Ordinal);
            Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
        }

        // 3. Given the call and its result, its prompt drops both (it sends {role, content = Text}). GenAI's log of the
        //    model inputs shows the prompt it fed: as long as the history without the call and the result.
        List<ChatMessage> withResult =
        [
            .. question,
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "Paris: sunny, 22 C")]),
        ];
        var log = new CapturingLogger();
        using var toolLoop = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { Logger = log });
        string dropped = "[" + string.Join(",", withResult.Select(m => System.Text.Json.JsonSerializer.Serialize(new { role = m.Role.Value, content = m.Text }))) + "]";
        int droppedTokens = TokenCount(toolLoop.LocalModel.Tokenizer.ApplyChatTemplate(null, dropped, null, true));
        int fullTokens = toolLoop.Pipeline.Tokenize(toolLoop.Pipeline.RenderPrompt(withResult, options, out _)).Length;
        using (var microsoft = new OnnxRuntimeGenAIChatClient(TestModels.ReferenceModel, ownsModel: false))
        {
            Utils.SetLogBool("model_input_values", true);
            ChatResponse response;
            try
            {
                response = await microsoft.GetResponseAsync(withResult, options, Ct);
            }
            finally
            {
                Utils.SetLogBool("model_input_values", false);
            }

            // Lines of calls outside any ToolLoop client (Microsoft's) go to the most recently configured logger, this one.
            string[] inputs = [.. log.Entries.Select(e => e.Message).Where(m => m.StartsWith("Name: input_ids ", StringComparison.Ordinal))];
            Assert.Contains($"Name: input_ids ShapeDims[ 2]Shape[ 1 {droppedTokens} ] Type: int64 Location: CPU", inputs);
            Assert.DoesNotContain($"Name: input_ids ShapeDims[ 2]Shape[ 1 {fullTokens} ] Type: int64 Location: CPU", inputs);
            Assert.True(fullTokens > droppedTokens + 20, $"full history {fullTokens} tokens, Microsoft's prompt {droppedTokens}");

            // And at the end of sequence it decodes the last token again, repeating its piece.
            Assert.StartsWith(script.AnswerText, response.Text, StringComparison.Ordinal);
            Assert.NotEqual(script.AnswerText, response.Text);
        }

        Assert.Empty(invoked);

        // 4. ToolLoop's adapter under the loop: the model calls the tool, the tool runs once, the model answers from its result.
        using ToolLoopChatClient agent = toolLoop.AsToolLoop();
        ChatResponse answer = await agent.GetResponseAsync(question, options, Ct);

        Assert.Equal(["Paris"], invoked);
        Assert.Equal(script.AnswerText, answer.Messages[^1].Text);
        Assert.True(toolLoop.Statistics.PromptTokensReused > toolLoop.Statistics.PromptTokensDecoded);
    }

    private static int TokenCount(string prompt)
    {
        using var tokenizer = new Tokenizer(TestModels.ReferenceModel);
        using Sequences encoded = tokenizer.Encode(prompt);
        return encoded[0].Length;
    }
}
