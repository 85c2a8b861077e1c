namespace ToolLoop.Tests.Scenarios;

/// <summary>
/// Reads a library's declared public API (src/&lt;project&gt;/PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt), which the
/// public API analyzer keeps equal to the compiled surface on every build.
/// </summary>
public static class PublicSurface
{
    /// <summary>The declared entries of <paramref name="project"/> (a folder under src/), without removed ones.</summary>
    public static IReadOnlyList<string> Entries(string project)
    {
        string dir = Path.Combine(RepositoryRoot(), "src", project);
        var entries = new List<string>();
        foreach (string file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
        {
            foreach (string line in File.ReadAllLines(Path.Combine(dir, file)))
            {
                if (line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("*REMOVED*", StringComparison.Ordinal))
                {
                    entries.Add(line);
                }
            }
        }

        return entries;
    }

    /// <summary>Fails when an entry names a native handle or a pointer: the adapters keep native interop internal.</summary>
    public static void AssertNoNativeTypes(string project)
    {
        var entries = Entries(project);
        Assert.NotEmpty(entries);
        Assert.All(entries, entry =>
        {
            Assert.DoesNotContain("IntPtr", entry, StringComparison.Ordinal);
            Assert.DoesNotContain("nint", entry.Split(' ', '(', ')', ',', '<', '>', '!', '?'), StringComparer.Ordinal);
            Assert.DoesNotContain("SafeHandle", entry, StringComparison.Ordinal);
            Assert.DoesNotContain("*", entry, StringComparison.Ordinal);
        });
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
