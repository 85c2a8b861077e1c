using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// The configuration every benchmark runs with: allocations per operation, the median (the figure the README quotes),
/// throughput and per-unit columns, and JSON exports (next to the default GitHub-markdown ones) for <c>benchmarks/run-all.sh</c>. The job
/// (default, <c>--job short</c>, <c>--job Dry</c> in CI) comes from the command line.
/// </summary>
internal static class BenchmarkConfig
{
    /// <summary>Creates the configuration.</summary>
    /// <returns>The configuration.</returns>
    public static IConfig Create() => DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median)
        .AddColumn(new ThroughputColumn())
        .AddColumn(
            new PerUnitColumn("chunk", PerUnitKind.Nanoseconds),
            new PerUnitColumn("chunk", PerUnitKind.Bytes),
            new ExtraFigureColumn("outputBytes", "out B/chunk", "Estimated bytes of the output (event strings and calls) per chunk: the allocation floor", perUnit: true),
            new ExtraFigureColumn("outputBytes", "Output", "Estimated bytes of the output (result strings and calls): the allocation floor", perUnit: false),
            new PerUnitColumn("round", PerUnitKind.Microseconds),
            new PerUnitColumn("round", PerUnitKind.Bytes),
            new PerUnitColumn("token", PerUnitKind.Rate),
            new PerUnitColumn("token", PerUnitKind.Microseconds))
        .AddExporter(JsonExporter.Full, FiguresExporter.Instance)
        .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
        .WithBuildTimeout(TimeSpan.FromMinutes(15))
        .WithOptions(ConfigOptions.StopOnFirstError);
}
