using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.ChatClients;

/// <summary>
/// The whole loop on real llama.cpp, with the scripted model carrying Qwen2.5's template (which renders the tools
/// and wraps tool results in <c>&lt;tool_response&gt;</c>): template → tokenize → decode → sample → detokenize → parse →
/// <see cref="ToolLoopChatClient"/> invokes a real <see cref="AIFunction"/> → result rendered → the model answers.
/// </summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class ToolLoopEndToEndTests
{
    private static List<ChatMessage> Ask() => [new(ChatRole.System, "You help with weather."), new(ChatRole.User, "What's the weather in Paris?")];

    [Fact]
    public async Task The_loop_streams_the_call_the_result_and_the_answer()
    {
        using var local = new LlamaCppChatClient(LlamaTestEnvironment.QwenModel, new LlamaCppChatClientOptions { ContextSize = 2048, ThreadCount = 1 });
        var invoked = new List<string>();
        var updates = new List<ChatResponseUpdate>();

        await foreach (ChatResponseUpdate update in local.AsToolLoop().GetStreamingResponseAsync(Ask(), new ChatOptions { Tools = [TestTools.Weather(invoked)] }, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        Assert.Equal(["Paris"], invoked);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionResultContent>());
        Assert.EndsWith(TinyModelRecipe.Reference.AnswerText, string.Concat(updates.Select(u => u.Text)), StringComparison.Ordinal);
    }
}
