using Microsoft.ML.OnnxRuntimeGenAI;

[assembly: AssemblyFixture(typeof(ToolLoop.Onnx.Tests.GenAIFixture))]

namespace ToolLoop.Onnx.Tests;

/// <summary>
/// The app-side GenAI lifetime, as a real app has it: one <see cref="OgaHandle"/> for the process, disposed after
/// every GenAI object (the shared models here), so GenAI shuts down cleanly instead of reporting leaks at exit.
/// </summary>
public sealed class GenAIFixture : IDisposable
{
    private readonly OgaHandle? _handle = NativeLibraryTests.IsChild ? null : new OgaHandle();

    public void Dispose()
    {
        TestModels.DisposeLoaded();
        _handle?.Dispose();
    }
}
