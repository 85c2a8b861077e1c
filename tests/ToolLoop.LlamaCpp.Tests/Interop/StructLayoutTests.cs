using System.Runtime.CompilerServices;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Tests.Interop;

/// <summary>
/// The blittable mirrors against the offsets g++ computed from llama.h at the pinned revision
/// (runtimes.md A.4). <c>Marshal.OffsetOf</c> reports the marshalled layout, so these use real offsets.
/// </summary>
public sealed unsafe class StructLayoutTests
{
    [Fact]
    public void Sizes_match_the_C_header()
    {
        Assert.Equal(80, sizeof(LlamaModelParams));
        Assert.Equal(160, sizeof(LlamaContextParams));
        Assert.Equal(1, sizeof(LlamaSamplerChainParams));
        Assert.Equal(56, sizeof(LlamaBatch));
    }

    [Fact]
    public void Model_params_offsets_match_the_C_header()
    {
        LlamaModelParams p = default;
        Assert.Equal(16, Offset(ref p, ref p.NGpuLayers));
        Assert.Equal(20, Offset(ref p, ref p.SplitMode));
        Assert.Equal(24, Offset(ref p, ref p.LoadMode));
        Assert.Equal(28, Offset(ref p, ref p.LazyMode));
        Assert.Equal(32, Offset(ref p, ref p.MainGpu));
        Assert.Equal(40, Offset(ref p, ref p.TensorSplit));
        Assert.Equal(48, Offset(ref p, ref p.ProgressCallback));
        Assert.Equal(64, Offset(ref p, ref p.KvOverrides));
        Assert.Equal(72, Offset(ref p, ref p.VocabOnly));
        Assert.Equal(77, Offset(ref p, ref p.LoadMtp));
    }

    [Fact]
    public void Context_params_offsets_match_the_C_header()
    {
        LlamaContextParams p = default;
        Assert.Equal(0, Offset(ref p, ref p.NCtx));
        Assert.Equal(16, Offset(ref p, ref p.NRsSeq));
        Assert.Equal(24, Offset(ref p, ref p.NOutputsMaxPerSeq));
        Assert.Equal(28, Offset(ref p, ref p.NThreads));
        Assert.Equal(36, Offset(ref p, ref p.CtxType));
        Assert.Equal(52, Offset(ref p, ref p.FlashAttnType));
        Assert.Equal(84, Offset(ref p, ref p.DefragThold));
        Assert.Equal(88, Offset(ref p, ref p.CbEval));
        Assert.Equal(104, Offset(ref p, ref p.TypeK));
        Assert.Equal(108, Offset(ref p, ref p.TypeV));
        Assert.Equal(112, (int)((byte*)&p.AbortCallback - (byte*)&p));
        Assert.Equal(120, (int)((byte*)&p.AbortCallbackData - (byte*)&p));
        Assert.Equal(128, Offset(ref p, ref p.Embeddings));
        Assert.Equal(133, Offset(ref p, ref p.KvUnified));
        Assert.Equal(136, Offset(ref p, ref p.Samplers));
        Assert.Equal(144, Offset(ref p, ref p.NSamplers));
        Assert.Equal(152, Offset(ref p, ref p.CtxOther));
    }

    [Fact]
    public void Batch_offsets_match_the_C_header()
    {
        LlamaBatch b = default;
        Assert.Equal(8, (int)((byte*)&b.Token - (byte*)&b));
        Assert.Equal(24, (int)((byte*)&b.Pos - (byte*)&b));
        Assert.Equal(48, (int)((byte*)&b.Logits - (byte*)&b));
    }

    private static int Offset<TStruct, TField>(ref TStruct owner, ref TField field)
        => (int)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref owner), ref Unsafe.As<TField, byte>(ref field));
}
