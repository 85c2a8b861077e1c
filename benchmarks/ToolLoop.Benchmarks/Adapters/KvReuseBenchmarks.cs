using BenchmarkDotNet.Attributes;
using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse on llama.cpp: the five-round tool loop of <see cref="ToolRounds"/> through
/// <see cref="ToolLoopChatClient"/> over one <see cref="LlamaCppChatClient"/>, which keeps its cache between rounds,
/// next to the same loop over a fresh client per request (no reuse: every request decodes its whole prompt). The setup
/// runs each once on a new client and records the tokens decoded and the final prompt's length (target: with reuse, at
/// most 1.2× the final prompt). <see cref="OnnxKvReuseBenchmarks"/> is the same on ONNX Runtime GenAI.
/// </summary>
public class KvReuseBenchmarks
{
    private LLamaWeights _weights = null!;
    private LlamaCppChatClientOptions _clientOptions = null!;
    private IChatClient _withReuse = null!;
    private IChatClient _withoutReuse = null!;
    private ChatOptions _options = null!;

    /// <summary>Loads the model, runs each loop once on a new client and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        LlamaCppRuntime.Initialize();
        int threads = LlamaCppChatClientOptions.DefaultThreadCount;
        _clientOptions = new LlamaCppChatClientOptions { ContextSize = 8192, ThreadCount = threads, BatchThreadCount = threads };
        _weights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Loop)));
        _options = ToolRounds.Options;
        ToolRounds.Record(typeof(KvReuseBenchmarks), NewClient, Read);
        _withReuse = ToolRounds.Loop(NewClient());
        _withoutReuse = ToolRounds.Loop(new CountingClient(NewClient, Read, freshPerRequest: true));
    }

    /// <summary>Baseline: no reuse (a new client, context and cache per request).</summary>
    [Benchmark(Baseline = true)]
    public Task<ChatResponse> LoopWithoutReuse() => _withoutReuse.GetResponseAsync(ToolRounds.Conversation, _options);

    /// <summary>One client whose cache carries over between rounds (and between iterations: the next loop reuses the system prompt).</summary>
    [Benchmark]
    public Task<ChatResponse> LoopWithReuse() => _withReuse.GetResponseAsync(ToolRounds.Conversation, _options);

    /// <summary>Frees the clients and the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _withReuse.Dispose();
        _withoutReuse.Dispose();
        _weights.Dispose();
    }

    private static (long, int) Read(IChatClient client)
    {
        var statistics = ((LlamaCppChatClient)client).Statistics;
        return (statistics.TotalTokensDecoded, statistics.PromptTokens);
    }

    private LlamaCppChatClient NewClient() => new(_weights, _clientOptions);
}
