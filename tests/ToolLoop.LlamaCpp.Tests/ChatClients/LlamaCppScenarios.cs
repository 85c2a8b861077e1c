using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.LlamaCpp.Tests.ChatClients;

/// <summary>The shared scenario suite on llama.cpp, with the scripted GGUF carrying Qwen2.5's template.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class LlamaCppScenarios : ChatClientScenarios
{
    protected override IChatClient NewClient(int contextSize = 1024)
        => new LlamaCppChatClient(LlamaTestEnvironment.QwenModel, new LlamaCppChatClientOptions { ContextSize = contextSize, ThreadCount = 1 });

    protected override (IChatClient First, IChatClient Second) NewClientsOnOneModel()
    {
        LlamaModel model = LlamaTestEnvironment.QwenModel;
        var first = new LlamaCppChatClient(model, new LlamaCppChatClientOptions { ContextSize = 1024, ThreadCount = 1 });
        var second = new LlamaCppChatClient(model, new LlamaCppChatClientOptions { ContextSize = 1024, ThreadCount = 1 });
        Assert.Same(first.GetService(typeof(LlamaModel)), second.GetService(typeof(LlamaModel)));
        return (first, second);
    }

    protected override ScenarioStatistics Statistics(IChatClient client)
    {
        LlamaCppStatistics s = ((LlamaCppChatClient)client).Statistics;
        return new ScenarioStatistics(s.PromptTokens, s.PromptTokensReused, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded);
    }

    protected override IReadOnlyList<int> TokenizePrompt(IChatClient client, IList<ChatMessage> messages, ChatOptions? options)
    {
        var llama = (LlamaCppChatClient)client;
        return llama.Tokenize(llama.RenderPrompt(messages, options, out _));
    }

    protected override int TokenId(string addedToken)
        => Assert.Single(LlamaTestEnvironment.QwenModel.Tokenize(addedToken, addSpecial: false, parseSpecial: true));

    protected override void AssertSamplingReachedRuntime(IChatClient client, ChatOptions options)
    {
        IReadOnlyList<(string Name, uint Seed)> chain = ((LlamaCppChatClient)client).Session.LastSamplerChain;
        if (options.Temperature is not > 0f)
        {
            Assert.Equal(["greedy"], chain.Select(c => c.Name));
            return;
        }

        var expected = new List<string>();
        if (options.TopK is > 0)
        {
            expected.Add("top-k");
        }

        if (options.TopP is > 0f and < 1f)
        {
            expected.Add("top-p");
        }

        expected.AddRange(["temp", "dist"]);
        Assert.Equal(expected, chain.Select(c => c.Name));
        if (options.Seed is { } seed)
        {
            Assert.Equal(unchecked((uint)seed), chain[^1].Seed);
        }
    }

    protected override Exception? LoadCorruptModel(string directory)
    {
        LlamaTestEnvironment.Initialize();
        string path = Path.Combine(directory, "truncated.gguf");
        File.WriteAllBytes(path, TinyScriptedModel.Build(TinyModelRecipe.Reference).AsSpan(0, 4096).ToArray());
        return Record.Exception(() => LlamaModel.Load(path).Dispose());
    }

    protected override IReadOnlyList<string> NativeLog(Exception exception) => Assert.IsType<LlamaCppException>(exception).NativeLog;
}
