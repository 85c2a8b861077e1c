using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Tests.TinyModel;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests.ChatClients;

/// <summary>The shared scenario suite on ONNX Runtime GenAI, with the tiny scripted model folder (a 16384-token context).</summary>
public sealed class OnnxGenAIScenarios : ChatClientScenarios
{
    private static readonly ConcurrentDictionary<string, int> s_tokenIds = new(StringComparer.Ordinal);

    protected override IChatClient NewClient(int contextSize = 1024)
        => new OnnxGenAIChatClient(TestModels.ScenarioModel, TestModels.ScenarioFolder, new OnnxGenAIChatClientOptions { ContextSize = contextSize });

    protected override (IChatClient First, IChatClient Second) NewClientsOnOneModel()
    {
        var first = new OnnxGenAIChatClient(TestModels.ScenarioModel, TestModels.ScenarioFolder);
        var second = new OnnxGenAIChatClient(TestModels.ScenarioModel, TestModels.ScenarioFolder);
        Assert.Same(first.GetService(typeof(Model)), second.GetService(typeof(Model)));
        return (first, second);
    }

    protected override ScenarioStatistics Statistics(IChatClient client)
    {
        OnnxGenAIStatistics s = ((OnnxGenAIChatClient)client).Statistics;
        return new ScenarioStatistics(s.PromptTokens, s.PromptTokensReused, s.PromptTokensDecoded, s.OutputTokens, s.TotalTokensDecoded);
    }

    protected override IReadOnlyList<int> TokenizePrompt(IChatClient client, IList<ChatMessage> messages, ChatOptions? options)
    {
        var onnx = (OnnxGenAIChatClient)client;
        return onnx.Pipeline.Tokenize(onnx.Pipeline.RenderPrompt(messages, options, out _));
    }

    // The suite calls this once per prompt token, so the ids are looked up once.
    protected override int TokenId(string addedToken) => s_tokenIds.GetOrAdd(addedToken, static text =>
    {
        using var tokenizer = new Tokenizer(TestModels.ScenarioModel);
        using Sequences encoded = tokenizer.Encode(text);
        return Assert.Single(encoded[0].ToArray());
    });

    protected override void AssertSamplingReachedRuntime(IChatClient client, ChatOptions options)
    {
        GeneratorParams parameters = Assert.IsType<GeneratorParams>(((OnnxGenAIChatClient)client).Session.CurrentParameters);
        Assert.Equal(1024, parameters.GetSearchNumber("max_length"));
        if (options.Temperature is not > 0f)
        {
            Assert.False(parameters.GetSearchBool("do_sample"));
            return;
        }

        Assert.True(parameters.GetSearchBool("do_sample"));
        Assert.Equal(options.Temperature.Value, parameters.GetSearchNumber("temperature"), 1e-6);
        Assert.Equal(options.TopP is > 0f and < 1f ? options.TopP.Value : 1.0, parameters.GetSearchNumber("top_p"), 1e-6);
        Assert.Equal(options.TopK is > 0 ? options.TopK.Value : 50, parameters.GetSearchNumber("top_k"));
        if (options.Seed is { } seed)
        {
            Assert.Equal(seed & int.MaxValue, parameters.GetSearchNumber("random_seed"));
        }
    }

    protected override Exception? LoadCorruptModel(string directory)
    {
        var files = TinyGenAiModel.Build(TinyGenAiRecipe.Reference);
        foreach ((string name, byte[] bytes) in files)
        {
            // A truncated model.onnx: the folder is complete, ONNX Runtime cannot parse the graph.
            File.WriteAllBytes(Path.Combine(directory, name), name == "model.onnx" ? bytes.AsSpan(0, 4096).ToArray() : bytes);
        }

        return Record.Exception(() => new OnnxGenAIChatClient(directory).Dispose());
    }

    protected override IReadOnlyList<string> NativeLog(Exception exception) => Assert.IsType<OnnxGenAIException>(exception).NativeLog;
}
