using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse on ONNX Runtime GenAI: <see cref="KvReuseBenchmarkBase"/>'s five-round tool loop over one
/// <see cref="OnnxGenAIChatClient"/>, whose generator keeps its sequence between rounds (longest common prefix and
/// <c>RewindTo</c>), next to a fresh client per request. Microsoft's <see cref="OnnxRuntimeGenAIChatClient"/> has no
/// counterpart here: it never reads <see cref="ChatOptions.Tools"/>, so it cannot run the loop.
/// </summary>
public class OnnxKvReuseBenchmarks : KvReuseBenchmarkBase
{
    private string _folder = null!;
    private Model _model = null!;

    /// <inheritdoc/>
    protected override void Load()
    {
        OnnxTinyModels.StartGenAI();
        _folder = OnnxTinyModels.Write(OnnxTinyModels.Loop);
        _model = new Model(_folder);
    }

    /// <inheritdoc/>
    protected override IChatClient NewClient() => new OnnxGenAIChatClient(_model, _folder);

    /// <inheritdoc/>
    protected override void Unload()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
