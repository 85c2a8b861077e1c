using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace ToolLoop.Onnx.Interop;

/// <summary>
/// The only GenAI entry points the managed binding does not expose: the log callback and the result of
/// setting it. Resolved against the very library the binding loads (the binding assembly's probing), so
/// both talk to one <c>onnxruntime-genai</c> instance.
/// </summary>
internal static unsafe partial class GenAINativeMethods
{
    private const string Library = "onnxruntime-genai";

    static GenAINativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(GenAINativeMethods).Assembly, Resolve);
    }

    /// <summary>Sets the process-wide log callback (null restores GenAI's default output). Returns an <c>OgaResult*</c>, zero on success.</summary>
    [LibraryImport(Library)]
    internal static partial nint OgaSetLogCallback(delegate* unmanaged<byte*, nuint, void> callback);

    /// <summary>The error message of a non-zero <c>OgaResult*</c>.</summary>
    [LibraryImport(Library)]
    internal static partial byte* OgaResultGetError(nint result);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyResult(nint result);

    /// <summary>Calls <see cref="OgaSetLogCallback"/> and turns a failure into an exception carrying GenAI's message.</summary>
    internal static void SetLogCallback(delegate* unmanaged<byte*, nuint, void> callback)
    {
        nint result = OgaSetLogCallback(callback);
        if (result != 0)
        {
            string message = Marshal.PtrToStringUTF8((nint)OgaResultGetError(result)) ?? "unknown error";
            OgaDestroyResult(result);
            throw new InvalidOperationException("OgaSetLogCallback failed: " + message);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return 0;
        }

        // Probe as the binding does, so a package's runtimes/<rid>/native file is found and the loaded instance is shared.
        return NativeLibrary.TryLoad(name, typeof(Model).Assembly, searchPath, out nint handle) ? handle : 0;
    }
}
