using System.Runtime.InteropServices;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>Mirror of <c>struct llama_sampler_chain_params</c> (1 byte).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public bool NoPerf;
}
