using System.Security;
using System.Text.Json;
using ToolLoop.TinyModels;

namespace ToolLoop.Packaging.Tests;

/// <summary>
/// A user's project and a user's <c>dotnet tool install</c> against the packed packages: the folder they were packed
/// into is the only source of ToolLoop packages (the dependencies come from the usual registry), no project references.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class ConsumerTests(PackedPackages packages)
{
    private static readonly string[] s_ownPackages = ["toolloop", "toolloop.llamacpp", "toolloop.onnx"];

    [Fact]
    public void Consumer_project_restores_the_packed_packages_and_runs_the_parser_the_loop_and_the_onnx_adapter()
    {
        string consumer = packages.NewFolder("consumer");
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer")))
        {
            File.Copy(file, Path.Combine(consumer, Path.GetFileName(file)));
        }

        var environment = WriteNuGetConfig(consumer);
        // Also stops MSBuild's search for a Directory.Build.props above the folder.
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ToolLoopVersion>{packages.Version}</ToolLoopVersion>
                <GenAIVersion>{packages.PinnedVersion("Microsoft.ML.OnnxRuntimeGenAI")}</GenAIVersion>
              </PropertyGroup>
            </Project>
            """);
        DotNet.Run(consumer, environment, "build", "-c", "Release", "-nologo");

        // Restored from the folder, not from a cache or the registry.
        foreach (string id in s_ownPackages)
        {
            string metadata = Path.Combine(environment["NUGET_PACKAGES"], id, packages.Version.ToLowerInvariant(), ".nupkg.metadata");
            using var json = JsonDocument.Parse(File.ReadAllText(metadata));
            Assert.Equal(Path.TrimEndingDirectorySeparator(packages.Feed), Path.TrimEndingDirectorySeparator(json.RootElement.GetProperty("source").GetString()!));
        }

        string model = TinyGenAiModel.Write(TinyGenAiRecipe.Reference, packages.NewFolder("tiny-genai-model"));
        string program = Assert.Single(Directory.GetFiles(Path.Combine(consumer, "bin"), "Consumer.dll", SearchOption.AllDirectories));
        var (exitCode, output) = DotNet.RunProgram(DotNet.HostPath, consumer, environment, program, model);

        Assert.True(exitCode == 0, output);
        Assert.Contains("parser: get_weather", output, StringComparison.Ordinal);
        Assert.Contains("loop: 1 call, reply 'Paris is sunny today.'", output, StringComparison.Ordinal);
        Assert.Contains("onnx: 1 call, reply 'The weather in Paris is sunny, 22 C.'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Toolloop_tool_installs_from_the_folder_and_runs_the_demo_on_both_backends()
    {
        string folder = packages.NewFolder("tool");
        var environment = WriteNuGetConfig(folder);
        string toolPath = Path.Combine(folder, "tools");
        DotNet.Run(folder, environment, "tool", "install", "ToolLoop.Cli", "--version", packages.Version, "--tool-path", toolPath, "--add-source", packages.Feed);

        string command = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "toolloop.exe" : "toolloop");
        var (exitCode, output) = DotNet.RunProgram(command, folder, environment, "--help");

        Assert.True(exitCode == 0, output);
        Assert.Contains("toolloop parse", output, StringComparison.Ordinal);

        // The installed tool's own natives (llama.cpp and ONNX Runtime GenAI, for this machine's RID) must load and run:
        // the demo checks its own result per backend and exits 1 when a backend fails. Standard input is not a terminal,
        // so its one approval per backend is automatic.
        (exitCode, output) = DotNet.RunProgram(command, folder, environment, "demo", "--backend", "all");

        Assert.True(exitCode == 0, output);
        Assert.Contains("== llama.cpp (LLamaSharp) on a tiny scripted GGUF ==", output, StringComparison.Ordinal);
        Assert.Contains("== ONNX Runtime GenAI on a tiny scripted model folder ==", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("model> 17 * 23 is 391.").Length - 1);
        Assert.Contains("Demo complete.", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes a NuGet.config that adds the packed folder to the usual sources, with a package cache of its own (so no
    /// earlier copy stands in for a packed package) that falls back to the user's cache for the dependencies.
    /// </summary>
    private Dictionary<string, string> WriteNuGetConfig(string folder)
    {
        string userCache = DotNet.Run(packages.RepositoryRoot, null, "nuget", "locals", "global-packages", "--list")
            .Trim().Split("global-packages:", 2)[1].Trim();
        string cache = Directory.CreateDirectory(Path.Combine(folder, "packages")).FullName;
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(cache)}" />
              </config>
              <fallbackPackageFolders>
                <add key="user" value="{SecurityElement.Escape(userCache)}" />
              </fallbackPackageFolders>
              <packageSources>
                <add key="toolloop-packed" value="{SecurityElement.Escape(packages.Feed)}" />
              </packageSources>
            </configuration>
            """);
        return new Dictionary<string, string> { ["NUGET_PACKAGES"] = cache };
    }
}
