using System.Runtime.InteropServices;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>Mirror of <c>struct llama_batch</c> (x64: 56 bytes, align 8).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int NTokens;
    public int* Token;
    public float* Embd;
    public int* Pos;
    public int* NSeqId;
    public int** SeqId;
    public sbyte* Logits;
}
