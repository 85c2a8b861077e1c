using Microsoft.ML.OnnxRuntimeGenAI;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// The process's one <see cref="OgaHandle"/>, created when the first ONNX model loads (so commands that never touch
/// GenAI never load its natives) and disposed once at exit, after every GenAI object.
/// </summary>
internal static class GenAILifetime
{
    private static readonly Lock s_gate = new();
    private static OgaHandle? s_handle;

    public static void EnsureStarted()
    {
        lock (s_gate)
        {
            s_handle ??= new OgaHandle();
        }
    }

    public static void Shutdown()
    {
        lock (s_gate)
        {
            try
            {
                s_handle?.Dispose();
            }
            catch (DllNotFoundException)
            {
                // The handle is created before the first model loads; when GenAI's natives are missing that load failed
                // and was reported in one line. Nothing was started, so there is nothing to shut down.
            }

            s_handle = null;
        }
    }
}
