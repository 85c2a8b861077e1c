using Microsoft.Win32.SafeHandles;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// Owns a <c>llama_context*</c>; releasing it calls <c>llama_free</c>. A context borrows its model,
/// so the handle keeps the model handle alive (AddRef) until the context is freed.
/// </summary>
internal sealed class SafeLlamaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly SafeLlamaModelHandle? _model;

    public SafeLlamaContextHandle()
        : base(ownsHandle: true)
    {
    }

    private SafeLlamaContextHandle(SafeLlamaModelHandle model)
        : base(ownsHandle: true)
    {
        _model = model;
    }

    /// <summary>Creates a context on <paramref name="model"/>; returns an invalid handle when llama.cpp returns NULL.</summary>
    public static SafeLlamaContextHandle Create(SafeLlamaModelHandle model, LlamaContextParams parameters)
    {
        var result = new SafeLlamaContextHandle(model);
        bool added = false;
        model.DangerousAddRef(ref added);
        nint raw = NativeMethods.llama_init_from_model(model, parameters);
        if (raw == 0)
        {
            model.DangerousRelease();
            result.SetHandleAsInvalid();
            return result;
        }

        result.SetHandle(raw);
        return result;
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.llama_free(handle);
        _model?.DangerousRelease();
        return true;
    }
}
