using LLama.Native;

namespace ToolLoop.LlamaCpp.Tests.Interop;

/// <summary>
/// Reads llama.cpp's defaults back through LLamaSharp's structs: a backend package of another version (other struct
/// layouts) shows up as garbage here, since nothing checks the version at run time (runtimes.md A.4.10).
/// </summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class NativeCanaryTests
{
    [Fact]
    public void Context_defaults_read_back_as_documented()
    {
        LlamaTestEnvironment.Initialize();

        LLamaContextParams p = LLamaContextParams.Default();

        Assert.Equal(512u, p.n_ctx);
        Assert.Equal(2048u, p.n_batch);
        Assert.Equal(512u, p.n_ubatch);
        Assert.Equal(1u, p.n_seq_max);
        Assert.Equal(GGMLType.GGML_TYPE_F16, p.type_k);
        Assert.Equal(GGMLType.GGML_TYPE_F16, p.type_v);
        Assert.True(p.swa_full);
        Assert.False(p.kv_unified);
        Assert.Equal(0u, (uint)p.n_samplers);
        Assert.Equal(0, p.ctx_other);
    }

    [Fact]
    public void Model_defaults_read_back_as_documented()
    {
        LlamaTestEnvironment.Initialize();

        LLamaModelParams p = LLamaModelParams.Default();

        Assert.Equal(-1, p.n_gpu_layers);
        Assert.Equal(GPUSplitMode.Layer, p.split_mode);
        Assert.False(p.vocab_only);
    }

    [Fact]
    public void The_runtime_describes_the_variant_it_loaded()
    {
        string description = LlamaCppRuntime.Describe();

        Assert.True(LlamaCppRuntime.IsInitialized);
        Assert.Contains("CPU", description, StringComparison.Ordinal);
        Assert.Contains("Avx", description, StringComparison.OrdinalIgnoreCase);
    }
}
