using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Tests.Interop;

public sealed class LibraryLoaderTests
{
    [Theory]
    [InlineData("0.5.0", true)]
    [InlineData("0.5.0-dev", true)]
    [InlineData("0.5.1", false)]
    [InlineData("0.5.01", false)]
    [InlineData("0.4.9-dev", false)]
    [InlineData("", false)]
    public void Only_the_pinned_revision_is_accepted(string version, bool accepted)
        => Assert.Equal(accepted, LlamaLibraryLoader.IsSupportedVersion(version));

    [Fact]
    public void Versioned_library_names_come_first()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Linux file names.");
        }

        Assert.Equal(["libllama.v0.5.0.so", "libllama.so"], LlamaLibraryLoader.LlamaFileNames());
        Assert.Equal(["libggml.v0.5.0.so", "libggml.so"], LlamaLibraryLoader.GgmlFileNames());
    }
}
