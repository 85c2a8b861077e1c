using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, llama.cpp: <see cref="AdapterBenchmarkBase"/>'s cases through <see cref="LlamaCppChatClient"/> next to
/// <see cref="NativeLoop"/>, on the tests' tiny scripted GGUF (one layer, 64 dimensions).
/// </summary>
public class LlamaCppBenchmarks : AdapterBenchmarkBase
{
    private const int ContextSize = 4096;
    private const int BatchSize = 512;
    private LLamaWeights _promptWeights = null!;
    private LLamaWeights _generationWeights = null!;
    private LlamaCppChatClientOptions _clientOptions = null!;
    private int _threads;

    /// <inheritdoc/>
    protected override string ExpectedReply => TinyModels.Generation.PlainText;

    /// <inheritdoc/>
    protected override string ExpectedFirstPiece => TinyModels.Generation.Plain[0];

    /// <inheritdoc/>
    protected override void Load()
    {
        LlamaCppRuntime.Initialize();
        int threads = _threads = LlamaCppChatClientOptions.DefaultThreadCount;
        _clientOptions = new LlamaCppChatClientOptions { ContextSize = ContextSize, BatchSize = BatchSize, ThreadCount = threads, BatchThreadCount = threads };
        _promptWeights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Prompt)));
        _generationWeights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Generation)));
    }

    /// <inheritdoc/>
    protected override IChatClient NewPromptClient() => new LlamaCppChatClient(_promptWeights, _clientOptions);

    /// <inheritdoc/>
    protected override IChatClient NewGenerationClient() => new LlamaCppChatClient(_generationWeights, _clientOptions);

    /// <inheritdoc/>
    private protected override INativeLoop NewPromptNative() => new NativeLoop(_promptWeights.NativeHandle, ContextSize, BatchSize, _threads);

    /// <inheritdoc/>
    private protected override INativeLoop NewGenerationNative() => new NativeLoop(_generationWeights.NativeHandle, ContextSize, BatchSize, _threads);

    /// <inheritdoc/>
    protected override void Unload()
    {
        _promptWeights.Dispose();
        _generationWeights.Dispose();
    }
}
