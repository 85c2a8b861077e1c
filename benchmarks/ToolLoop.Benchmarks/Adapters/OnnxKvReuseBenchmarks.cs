using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse on ONNX Runtime GenAI: <see cref="KvReuseBenchmarks"/>'s five-round tool loop through
/// <see cref="ToolLoopChatClient"/> over one <see cref="OnnxGenAIChatClient"/>, whose generator keeps its sequence
/// between rounds (longest common prefix and <c>RewindTo</c>), next to the same loop over a fresh client per request (no
/// reuse). The setup runs each once and records the tokens evaluated and the final prompt's length (target: with reuse,
/// at most 1.2× the final prompt). Microsoft's <see cref="OnnxRuntimeGenAIChatClient"/> has no counterpart here: it
/// never reads <see cref="ChatOptions.Tools"/>, so it cannot run the loop.
/// </summary>
public class OnnxKvReuseBenchmarks
{
    private string _folder = null!;
    private Model _model = null!;
    private IChatClient _withReuse = null!;
    private IChatClient _withoutReuse = null!;
    private ChatOptions _options = null!;

    /// <summary>Loads the model, runs each loop once on a new client and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        OnnxTinyModels.StartGenAI();
        _folder = OnnxTinyModels.Write(OnnxTinyModels.Loop);
        _model = new Model(_folder);
        _options = ToolRounds.Options;
        ToolRounds.Record(typeof(OnnxKvReuseBenchmarks), NewClient, Read);
        _withReuse = ToolRounds.Loop(NewClient());
        _withoutReuse = ToolRounds.Loop(new CountingClient(NewClient, Read, freshPerRequest: true));
    }

    /// <summary>Baseline: no reuse (a new client and generator per request).</summary>
    [Benchmark(Baseline = true)]
    public Task<ChatResponse> LoopWithoutReuse() => _withoutReuse.GetResponseAsync(ToolRounds.Conversation, _options);

    /// <summary>One client whose generator carries over between rounds (and between iterations: the next loop reuses the system prompt).</summary>
    [Benchmark]
    public Task<ChatResponse> LoopWithReuse() => _withReuse.GetResponseAsync(ToolRounds.Conversation, _options);

    /// <summary>Frees the clients, then the model and its folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _withReuse.Dispose();
        _withoutReuse.Dispose();
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static (long, int) Read(IChatClient client)
    {
        var statistics = ((OnnxGenAIChatClient)client).Statistics;
        return (statistics.TotalTokensDecoded, statistics.PromptTokens);
    }

    private OnnxGenAIChatClient NewClient() => new(_model, _folder);
}
