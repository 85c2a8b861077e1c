using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests;

/// <summary>
/// The public surface of ToolLoop.Onnx, as declared in src/ToolLoop.Onnx/PublicAPI.*.txt (the public API analyzer fails
/// the build when the files and the compiled surface differ; eng/update-public-api.sh refreshes them).
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void No_native_pointer_types_in_the_public_surface() => PublicSurface.AssertNoNativeTypes("ToolLoop.Onnx");
}
