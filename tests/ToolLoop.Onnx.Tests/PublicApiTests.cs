using ToolLoop.Tests.PublicApi;

namespace ToolLoop.Onnx.Tests;

/// <summary>The public surface of ToolLoop.Onnx, compared with the committed snapshot so an API change is a visible diff.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_surface_matches_the_snapshot()
        => PublicApiWriter.Verify(typeof(OnnxGenAIChatClient).Assembly, Path.Combine(RepositoryRoot(), "tests", "ToolLoop.Onnx.Tests", "ToolLoop.Onnx.PublicApi.txt"));

    [Fact]
    public void No_native_pointer_types_in_the_public_surface()
    {
        string surface = PublicApiWriter.Write(typeof(OnnxGenAIChatClient).Assembly);

        Assert.DoesNotContain("IntPtr", surface, StringComparison.Ordinal);
        Assert.DoesNotContain("SafeHandle", surface, StringComparison.Ordinal);
        Assert.DoesNotContain("*", surface, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ToolLoop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ToolLoop.sln not found above " + AppContext.BaseDirectory);
    }
}
