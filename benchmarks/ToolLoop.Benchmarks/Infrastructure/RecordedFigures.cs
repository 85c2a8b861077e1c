using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// Figures a benchmark can only know once it runs (how many tokens the model decoded, how long its prompt is): the
/// benchmark's setup, in the benchmark process, records them in a file per benchmark class; the host process reads them
/// for the per-token columns and <c>*-figures.json</c>. The host empties the folder when it starts, so a figure always
/// comes from this run. Folder: <c>$TOOLLOOP_BENCH_FIGURES_DIR</c>, default <c>toolloop-bench-figures</c> in the temp folder.
/// </summary>
public static class RecordedFigures
{
    private static readonly object s_lock = new();

    private static string Directory =>
        Environment.GetEnvironmentVariable("TOOLLOOP_BENCH_FIGURES_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "toolloop-bench-figures");

    /// <summary>Empties the folder (the host calls it before running).</summary>
    public static void Reset()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Records <paramref name="name"/> = <paramref name="value"/> for the benchmark class <paramref name="benchmarkType"/>.</summary>
    public static void Set(Type benchmarkType, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(benchmarkType);
        lock (s_lock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            string path = PathFor(benchmarkType);
            var figures = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
            figures[name] = value;
            File.WriteAllText(path, figures.ToJsonString());
        }
    }

    /// <summary>Gets every figure recorded for <paramref name="benchmarkType"/> (empty when none was).</summary>
    public static IReadOnlyDictionary<string, double> Get(Type benchmarkType)
    {
        string path = PathFor(benchmarkType);
        if (!File.Exists(path))
        {
            return new Dictionary<string, double>();
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
    }

    private static string PathFor(Type benchmarkType) => Path.Combine(Directory, benchmarkType.FullName + ".json");
}
