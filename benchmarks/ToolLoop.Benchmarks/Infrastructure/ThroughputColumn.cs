using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// <c>MB/s</c>: the input's UTF-8 bytes (decimal megabytes, 10^6 B) divided by the median time of one operation.
/// Shown for benchmarks whose parameter is an <see cref="IMeasuredInput"/> with bytes.
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => "ToolLoop.MBps";

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input UTF-8 bytes (10^6 B = 1 MB) per second, from the median";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Measure.Input(c) is { Bytes: > 0 });

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (Measure.Input(benchmarkCase) is not { Bytes: > 0 } input || Measure.MedianNanoseconds(summary, benchmarkCase) is not { } ns || ns <= 0)
        {
            return "-";
        }

        double mbPerSecond = input.Bytes / ns * 1e9 / 1e6;
        return mbPerSecond.ToString(mbPerSecond >= 100 ? "N0" : "N1", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
