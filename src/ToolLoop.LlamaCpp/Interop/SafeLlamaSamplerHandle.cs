using Microsoft.Win32.SafeHandles;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// Owns a <c>llama_sampler*</c> chain; releasing it calls <c>llama_sampler_free</c>, which also frees
/// every sampler added to the chain (the chain takes ownership on <c>llama_sampler_chain_add</c>).
/// </summary>
internal sealed class SafeLlamaSamplerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeLlamaSamplerHandle()
        : base(ownsHandle: true)
    {
    }

    public SafeLlamaSamplerHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.llama_sampler_free(handle);
        return true;
    }
}
