using ToolLoop.Tests.PublicApi;

namespace ToolLoop.LlamaCpp.Tests;

/// <summary>The public surface of ToolLoop.LlamaCpp, compared with the committed snapshot so an API change is a visible diff.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_surface_matches_the_snapshot()
        => PublicApiWriter.Verify(typeof(LlamaCppChatClient).Assembly, Path.Combine(RepositoryRoot(), "tests", "ToolLoop.LlamaCpp.Tests", "ToolLoop.LlamaCpp.PublicApi.txt"));

    [Fact]
    public void No_native_pointer_types_in_the_public_surface()
    {
        string surface = PublicApiWriter.Write(typeof(LlamaCppChatClient).Assembly);

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
