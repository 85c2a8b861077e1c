using System.Diagnostics;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests;

/// <summary>
/// Without a GenAI native package the client must say which package to add. The test runs this test assembly again
/// in a child process, from a copy of the output folder without <c>onnxruntime-genai</c>'s native library.
/// </summary>
public sealed class NativeLibraryTests
{
    private const string ChildVariable = "TOOLLOOP_ONNX_NATIVES_REMOVED";

    /// <summary>True in the child process, which has no native library.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    [Fact]
    public async Task Without_the_native_package_the_client_names_the_packages_to_add()
    {
        if (IsChild)
        {
            AssertClearErrorWithoutNatives();
            return;
        }

        string source = AppContext.BaseDirectory;
        string copy = Path.Combine(Path.GetTempPath(), "toolloop-onnx-nonatives-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            int removed = 0;
            foreach (string file in Directory.EnumerateFiles(source))
            {
                string name = Path.GetFileName(file);
                if (name.Contains("onnxruntime-genai", StringComparison.Ordinal) && !name.EndsWith(".dll", StringComparison.Ordinal) || name == "onnxruntime-genai.dll")
                {
                    removed++;
                    continue;
                }

                // Assemblies are copied: a symlinked one would report the original folder as its location, and native
                // probing would find the library there. The large ONNX Runtime library is linked.
                if (name.EndsWith(".so", StringComparison.Ordinal) || name.EndsWith(".dylib", StringComparison.Ordinal))
                {
                    File.CreateSymbolicLink(Path.Combine(copy, name), file);
                }
                else
                {
                    File.Copy(file, Path.Combine(copy, name));
                }
            }

            Assert.True(removed > 0, "no native GenAI library found in " + source);
            // The SDK names its host in DOTNET_HOST_PATH while it runs tests; otherwise the one on PATH.
            string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
            var start = new ProcessStartInfo(host)
            {
                ArgumentList = { Path.Combine(copy, "ToolLoop.Onnx.Tests.dll"), "-method", $"{typeof(NativeLibraryTests).FullName}.{nameof(Without_the_native_package_the_client_names_the_packages_to_add)}", "-noLogo" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = copy,
            };
            start.Environment[ChildVariable] = "1";
            using Process child = Process.Start(start)!;
            Task<string> stdout = child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            Task<string> stderr = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            string output = await stdout + await stderr;

            Assert.True(child.ExitCode == 0, $"child exit code {child.ExitCode}:\n{output}");
            Assert.Contains("Total: 1, Errors: 0, Failed: 0, Skipped: 0", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void AssertClearErrorWithoutNatives()
    {
        string folder = TestModels.ReferenceFolder;

        var first = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(folder));
        var again = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(folder, new OnnxGenAIChatClientOptions { Logger = new CapturingLogger() }));

        Assert.Equal(OnnxGenAIErrorKind.NativeLibrary, first.Kind);
        Assert.Equal(OnnxGenAIErrorKind.NativeLibrary, again.Kind);
        Assert.Contains("onnxruntime-genai", first.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI (CPU)", first.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.Cuda", first.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.DirectML", first.Message, StringComparison.Ordinal);
        Assert.IsType<DllNotFoundException>(first.InnerException);
    }
}
