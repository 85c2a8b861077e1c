using Microsoft.Extensions.Logging;

namespace ToolLoop.LlamaCpp;

/// <summary>How <see cref="LlamaModel.Load(string, LlamaModelOptions?)"/> finds llama.cpp and loads a GGUF file.</summary>
public sealed class LlamaModelOptions
{
    /// <summary>
    /// A folder holding llama.cpp's native libraries. Default <see langword="null"/>: the natives of the LLamaSharp
    /// backend package the application references (see <see cref="LlamaCppRuntime.Initialize"/>).
    /// </summary>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>Receives llama.cpp's log lines written while this model loads and while its clients decode. Default: none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Layers to offload to a GPU backend, if one is loaded; negative means all. Default 0 (CPU only).</summary>
    public int GpuLayerCount { get; set; }
}
