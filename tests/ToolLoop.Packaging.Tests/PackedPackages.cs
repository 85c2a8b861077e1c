using System.Text.Json;

[assembly: AssemblyFixture(typeof(ToolLoop.Packaging.Tests.PackedPackages))]

namespace ToolLoop.Packaging.Tests;

/// <summary>
/// Packs every package of the repository once per test run (the libraries in src/ and every .NET tool in samples/)
/// into a temporary folder, as a release would (<c>dotnet pack -c Release</c>), with its own build output
/// (<c>--artifacts-path</c> under the repository's git-ignored artifacts/, deleted afterwards) so the projects' bin/
/// and obj/ folders are never touched.
/// </summary>
/// <remarks>
/// The packages get a unique prerelease version, so no earlier run's package in a NuGet cache can stand in for them.
/// </remarks>
public sealed class PackedPackages : IDisposable
{
    private readonly string _work;
    private readonly string _artifacts;

    public PackedPackages()
    {
        RepositoryRoot = FindRepositoryRoot();
        _work = Directory.CreateTempSubdirectory("toolloop-packaging-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        Version = "0.1.0-packtest-" + Guid.NewGuid().ToString("N")[..12];
        // Inside the repository, so the generated sources in obj/ get repository-relative (/_/…) paths like a plain pack's.
        _artifacts = Path.Combine(RepositoryRoot, "artifacts", "packaging-tests", Version);

        Projects = [.. Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot, "samples"), "*.csproj", SearchOption.AllDirectories)
                .Where(p => File.ReadAllText(p).Contains("<PackAsTool>true</PackAsTool>", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];

        // One build of all of them (a solution filter), so shared references build once.
        string filter = Path.Combine(_work, "packages.slnf");
        string solution = Path.Combine(RepositoryRoot, "ToolLoop.sln");
        File.WriteAllText(filter, JsonSerializer.Serialize(new
        {
            solution = new { path = solution, projects = Projects.Select(p => Path.GetRelativePath(RepositoryRoot, p)).ToArray() },
        }));
        PackOutput = DotNet.Run(RepositoryRoot, null,
            "pack", filter, "-c", "Release", "-o", Feed, "--artifacts-path", _artifacts,
            "-p:Version=" + Version, "-warnaserror", "-nologo");
    }

    /// <summary>The repository (the folder holding ToolLoop.sln).</summary>
    public string RepositoryRoot { get; }

    /// <summary>The folder the packages were packed into.</summary>
    public string Feed { get; }

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; }

    /// <summary>The packed projects (absolute paths).</summary>
    public IReadOnlyList<string> Projects { get; }

    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; }

    /// <summary>A new empty folder inside this run's temporary folder.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(_work, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>
    /// Stands for the tool's RID-specific package in test data (its id, <c>ToolLoop.Cli.&lt;rid&gt;</c>, depends on the
    /// SDK that packed it); <see cref="ResolveId"/> turns it into the id.
    /// </summary>
    public const string RidToolPackage = "ToolLoop.Cli.<rid>";

    /// <summary>The package id <paramref name="row"/> stands for (itself, or the RID-specific tool package's id).</summary>
    public string ResolveId(string row)
    {
        if (row != RidToolPackage)
        {
            return row;
        }

        // The pointer package ToolLoop.Cli.<version>.nupkg does not match: its name has no further '.' part before the version.
        string suffix = $".{Version}.nupkg";
        var ids = Directory.GetFiles(Feed, "ToolLoop.Cli.*" + suffix).Select(f => Path.GetFileName(f)[..^suffix.Length])
            .Where(id => id != "ToolLoop.Cli").ToList();
        return ids.Count == 1 ? ids[0] : throw new InvalidOperationException("expected one RID-specific ToolLoop.Cli package, found: " + string.Join(", ", ids));
    }

    /// <summary>The package file of <paramref name="id"/> (<c>.nupkg</c>, or <c>.snupkg</c> for its symbols).</summary>
    public string PackagePath(string id, string extension = ".nupkg") => Path.Combine(Feed, $"{id}.{Version}{extension}");

    /// <summary>The version a <c>PackageVersion</c> of the repository's Directory.Packages.props pins.</summary>
    public string PinnedVersion(string id)
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value.Trim('[', ']');
    }

    public void Dispose()
    {
        Delete(_work);
        Delete(_artifacts);
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepositoryRoot()
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
