using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Tests.Interop;

/// <summary>Reads llama.cpp's defaults back through the mirrors: a wrong layout shows up as garbage here.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class NativeCanaryTests
{
    [Fact]
    public void Context_defaults_read_back_as_documented()
    {
        LlamaTestEnvironment.Initialize();

        LlamaContextParams p = NativeMethods.llama_context_default_params();

        Assert.Equal(512u, p.NCtx);
        Assert.Equal(2048u, p.NBatch);
        Assert.Equal(512u, p.NUbatch);
        Assert.Equal(1u, p.NSeqMax);
        Assert.Equal(1u, p.NOutputsMaxPerSeq);
        Assert.Equal(1, p.TypeK);
        Assert.Equal(1, p.TypeV);
        Assert.True(p.SwaFull);
        Assert.False(p.KvUnified);
        Assert.Equal(0u, (uint)p.NSamplers);
        Assert.Equal(0, p.CtxOther);
    }

    [Fact]
    public void Model_defaults_read_back_as_documented()
    {
        LlamaTestEnvironment.Initialize();

        LlamaModelParams p = NativeMethods.llama_model_default_params();

        Assert.Equal(-1, p.NGpuLayers);
        Assert.Equal(1, p.SplitMode);
        Assert.Equal(1, p.LazyMode);
        Assert.False(p.VocabOnly);
    }

    [Fact]
    public void Runtime_reports_the_pinned_version_and_loaded_backends()
    {
        LlamaTestEnvironment.Initialize();

        Assert.StartsWith(LlamaCppRuntime.ExpectedVersion, LlamaCppRuntime.Version, StringComparison.Ordinal);
        Assert.True(NativeMethods.ggml_backend_dev_count() >= 1);
    }
}
