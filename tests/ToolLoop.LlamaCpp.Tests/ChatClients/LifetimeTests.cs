using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.ChatClients;

[Collection(LlamaRuntimeGroup.Name)]
public sealed class LifetimeTests
{
    private static List<ChatMessage> Ask() => [new(ChatRole.User, "Hi")];

    [Fact]
    public async Task A_client_created_from_a_path_owns_and_frees_its_model()
    {
        LlamaTestEnvironment.Initialize();
        var client = new LlamaCppChatClient(new LlamaCppChatClientOptions { ModelPath = LlamaTestEnvironment.ReferenceModelPath, ThreadCount = 1, ContextSize = 512 });

        ChatResponse response = await client.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken);
        client.Dispose();

        Assert.Equal(TinyModelRecipe.Reference.PlainText, response.Text);
        Assert.Throws<ObjectDisposedException>(() => client.Model.GetMetadata("general.name"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Disposing_during_a_stream_lets_the_stream_finish_first()
    {
        LlamaTestEnvironment.Initialize();
        var client = new LlamaCppChatClient(new LlamaCppChatClientOptions { ModelPath = LlamaTestEnvironment.ReferenceModelPath, ThreadCount = 1, ContextSize = 512 });
        var text = new List<string>();

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Add(update.Text);
            client.Dispose();
        }

        Assert.Equal(TinyModelRecipe.Reference.PlainText, string.Concat(text));
        Assert.Throws<ObjectDisposedException>(() => client.Model.GetMetadata("general.name"));
    }

    [Fact]
    public async Task A_shared_model_is_not_disposed_by_its_clients()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using (var client = new LlamaCppChatClient(model, new LlamaCppChatClientOptions { ThreadCount = 1, ContextSize = 512 }))
        {
            await client.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal("tiny-scripted-toolcall", model.GetMetadata("general.name"));
        Assert.NotNull(model.ChatTemplate);
        Assert.Contains("llama", model.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(280, model.VocabularySize);
        Assert.Equal(8192, model.TrainedContextLength);
        Assert.Null(model.GetMetadata("no.such.key"));
    }

    [Fact]
    public async Task A_client_on_the_applications_LLamaWeights_leaves_them_to_their_owner()
    {
        LlamaTestEnvironment.Initialize();
        using LLamaWeights weights = LLamaWeights.LoadFromFile(new ModelParams(LlamaTestEnvironment.ReferenceModelPath) { GpuLayerCount = 0 });

        using (var client = new LlamaCppChatClient(weights, new LlamaCppChatClientOptions { ThreadCount = 1, ContextSize = 512 }))
        {
            ChatResponse response = await client.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(TinyModelRecipe.Reference.PlainText, response.Text);
            Assert.Equal("tiny-scripted-toolcall", client.Metadata.DefaultModelId);
        }

        // The weights still work after the client (and its LlamaModel wrapper) is gone.
        Assert.False(weights.NativeHandle.IsClosed);
        using var again = new LlamaCppChatClient(weights, new LlamaCppChatClientOptions { ThreadCount = 1, ContextSize = 512 });
        Assert.Equal(TinyModelRecipe.Reference.PlainText, (await again.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken)).Text);
    }
}
