using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;

namespace ToolLoop.Packaging.Tests;

/// <summary>What <c>dotnet pack</c> puts in every package: README, metadata, and deterministic symbols with Source Link.</summary>
[Trait("Category", "Packaging")]
public sealed class PackageContentTests(PackedPackages packages)
{
    /// <summary>The Source Link custom debug information in a portable PDB.</summary>
    private static readonly Guid s_sourceLink = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>Every package: the libraries, the tool's pointer package and its package for this machine's RID.</summary>
    public static TheoryData<string> PackageIds => ["ToolLoop", "ToolLoop.LlamaCpp", "ToolLoop.Onnx", "ToolLoop.Cli", PackedPackages.RidToolPackage];

    /// <summary>The packages with assemblies, so with symbols (the tool's pointer package has none).</summary>
    public static TheoryData<string> PackagesWithSymbols => ["ToolLoop", "ToolLoop.LlamaCpp", "ToolLoop.Onnx", PackedPackages.RidToolPackage];

    [Fact]
    public void Every_library_and_the_tool_are_packed()
    {
        var packed = Directory.GetFiles(packages.Feed, "*.nupkg").Select(f => Path.GetFileName(f)[..^$".{packages.Version}.nupkg".Length]).ToHashSet();
        Assert.Equal(PackageIds.Select(row => packages.ResolveId(row.Data)).ToHashSet(), packed);
        Assert.All(Directory.GetFiles(Path.Combine(packages.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories),
            project => Assert.Contains(Path.GetFileNameWithoutExtension(project), packed));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_has_its_readme_description_tags_license_and_repository(string row)
    {
        string id = packages.ResolveId(row);
        using var package = ZipFile.OpenRead(packages.PackagePath(id));
        var metadata = Nuspec(package);
        XNamespace ns = metadata.Name.Namespace;
        string Value(string name) => metadata.Element(ns + name)?.Value ?? "";

        Assert.Equal(id, Value("id"));
        Assert.Equal(packages.Version, Value("version"));
        Assert.Equal("README.md", Value("readme"));
        var readme = package.GetEntry("README.md");
        Assert.NotNull(readme);
        using (var reader = new StreamReader(readme.Open()))
        {
            string project = packages.Projects.Single(p => Path.GetFileNameWithoutExtension(p) == (row == PackedPackages.RidToolPackage ? "ToolLoop.Cli" : id));
            Assert.Equal(File.ReadAllText(Path.Combine(Path.GetDirectoryName(project)!, "README.md")), reader.ReadToEnd());
        }

        Assert.True(Value("description").Length > 40, "description: " + Value("description"));
        Assert.True(Value("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3, "tags: " + Value("tags"));
        var license = metadata.Element(ns + "license");
        Assert.NotNull(license);
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);
        var repository = metadata.Element(ns + "repository");
        Assert.NotNull(repository);
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal("https://github.com/toolloop/toolloop", (string?)repository.Attribute("url"));
        var (_, head) = DotNet.RunProgram("git", packages.RepositoryRoot, null, "rev-parse", "HEAD");
        Assert.Equal(head.Trim(), (string?)repository.Attribute("commit"));
    }

    [Fact]
    public void Tool_package_for_this_machine_holds_this_platforms_natives_of_both_runtimes_and_no_other_platforms()
    {
        using var package = ZipFile.OpenRead(packages.PackagePath(packages.ResolveId(PackedPackages.RidToolPackage)));
        var names = package.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        string[] genAi = ["onnxruntime-genai.dll", "libonnxruntime-genai.so", "libonnxruntime-genai.dylib"];
        string[] ort = ["onnxruntime.dll", "libonnxruntime.so", "libonnxruntime.dylib"];
        string[] llama = ["llama.dll", "libllama.so", "libllama.dylib"];
        int platform = OperatingSystem.IsWindows() ? 0 : OperatingSystem.IsMacOS() ? 2 : 1;
        foreach (string[] library in new[] { genAi, ort, llama })
        {
            Assert.Contains(library[platform], names);
            Assert.All(library.Where((_, i) => i != platform), other => Assert.DoesNotContain(other, names));
        }
    }

    [Theory]
    [MemberData(nameof(PackagesWithSymbols))]
    public void Symbols_have_repository_relative_paths_and_source_link_to_the_commit(string row)
    {
        string id = packages.ResolveId(row);
        string commit;
        using (var package = ZipFile.OpenRead(packages.PackagePath(id)))
        {
            var metadata = Nuspec(package);
            commit = (string)metadata.Element(metadata.Name.Namespace + "repository")!.Attribute("commit")!;
            if (row != PackedPackages.RidToolPackage) // a tool package is its publish output, PDBs included
            {
                Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase));
                // The libraries' XML docs ship beside them (a missing doc comment fails the build: CS1591 is an error in src/).
                Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
            }
        }

        using var symbols = ZipFile.OpenRead(packages.PackagePath(id, ".snupkg"));
        var pdbs = symbols.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(pdbs);
        foreach (var entry in pdbs)
        {
            using var stream = new MemoryStream();
            using (var source = entry.Open())
            {
                source.CopyTo(stream);
            }

            stream.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
            var pdb = provider.GetMetadataReader();
            var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
            Assert.NotEmpty(documents);
            // Deterministic: no path of the machine that packed it (the repository's folder, the build output) appears.
            Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));

            var links = pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
                .Select(pdb.GetCustomDebugInformation).Where(c => pdb.GetGuid(c.Kind) == s_sourceLink).ToList();
            var link = Assert.Single(links);
            using var json = JsonDocument.Parse(pdb.GetBlobBytes(link.Value));
            var map = json.RootElement.GetProperty("documents").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            Assert.Equal($"https://raw.githubusercontent.com/toolloop/toolloop/{commit}/*", map["/_/*"]);
        }
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }
}
