using System.Text.Json;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.ChatClients;

/// <summary>llama.cpp-specific behaviour of the IChatClient (the shared scenarios are in <see cref="LlamaCppScenarios"/>).</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class LlamaCppChatClientTests
{
    private static readonly TinyModelRecipe s_recipe = TinyModelRecipe.Reference;

    private static LlamaCppChatClient NewClient(LlamaModel? model = null, int contextSize = 1024)
        => new(model ?? LlamaTestEnvironment.ReferenceModel, new LlamaCppChatClientOptions { ContextSize = contextSize, ThreadCount = 1 });

    private static List<ChatMessage> Conversation(string user = "Hi") =>
    [
        new(ChatRole.System, "Be brief."),
        new(ChatRole.User, user),
    ];

    [Fact]
    public async Task Temperature_seed_top_k_and_top_p_reach_the_sampler()
    {
        using LlamaCppChatClient client = NewClient();
        ChatOptions Hot(int? topK = null, float? topP = null, long? seed = 42) =>
            new() { Temperature = 1000f, TopK = topK, TopP = topP, Seed = seed, MaxOutputTokens = 6 };
        CancellationToken ct = TestContext.Current.CancellationToken;

        // At temperature 1000 the distribution is close to uniform over 280 tokens: the script is lost...
        string hot1 = (await client.GetResponseAsync(Conversation(), Hot(), ct)).Text;
        string hot2 = (await client.GetResponseAsync(Conversation(), Hot(), ct)).Text;
        string otherSeed = (await client.GetResponseAsync(Conversation(), Hot(seed: 43), ct)).Text;

        // ...unless top-k = 1 or a tiny top-p keeps only the most likely token.
        string topK1 = (await client.GetResponseAsync(Conversation(), Hot(topK: 1), ct)).Text;
        string topP = (await client.GetResponseAsync(Conversation(), Hot(topP: 0.001f), ct)).Text;

        Assert.NotEqual(s_recipe.PlainText, hot1);
        Assert.Equal(hot1, hot2);
        Assert.NotEqual(hot1, otherSeed);
        Assert.Equal(s_recipe.PlainText, topK1);
        Assert.Equal(s_recipe.PlainText, topP);
    }

    [Fact]
    public void Metadata_names_the_provider_and_the_model()
    {
        using LlamaCppChatClient client = NewClient();

        var metadata = (ChatClientMetadata?)client.GetService(typeof(ChatClientMetadata));

        Assert.Equal("llama.cpp", metadata!.ProviderName);
        Assert.Equal("tiny-scripted-toolcall", metadata.DefaultModelId);
        Assert.Equal(ToolCallFormat.Auto, client.ToolCallFormat);
    }
}
