using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse on llama.cpp: <see cref="KvReuseBenchmarkBase"/>'s five-round tool loop over one
/// <see cref="LlamaCppChatClient"/>, which keeps its cache between rounds, next to a fresh client per request.
/// </summary>
public class KvReuseBenchmarks : KvReuseBenchmarkBase
{
    private LLamaWeights _weights = null!;
    private LlamaCppChatClientOptions _clientOptions = null!;

    /// <inheritdoc/>
    protected override void Load()
    {
        LlamaCppRuntime.Initialize();
        int threads = LlamaCppChatClientOptions.DefaultThreadCount;
        _clientOptions = new LlamaCppChatClientOptions { ContextSize = 8192, ThreadCount = threads, BatchThreadCount = threads };
        _weights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Loop)));
    }

    /// <inheritdoc/>
    protected override IChatClient NewClient() => new LlamaCppChatClient(_weights, _clientOptions);

    /// <inheritdoc/>
    protected override void Unload() => _weights.Dispose();
}
