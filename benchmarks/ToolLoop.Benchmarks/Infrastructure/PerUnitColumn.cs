using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// Per-unit figures: the median time or the allocation of one operation divided by the units it processes
/// (<c>ns/chunk</c>, <c>B/chunk</c>, <c>µs/round</c>, …), or units per second (<c>token/s</c>). One column instance
/// per unit name and kind; it shows only in summaries that have cases with that unit.
/// </summary>
internal sealed class PerUnitColumn : IColumn
{
    private readonly string _unit;
    private readonly PerUnitKind _kind;

    public PerUnitColumn(string unit, PerUnitKind kind)
    {
        _unit = unit;
        _kind = kind;
        ColumnName = kind switch
        {
            PerUnitKind.Nanoseconds => $"ns/{unit}",
            PerUnitKind.Microseconds => $"μs/{unit}",
            PerUnitKind.Bytes => $"B/{unit}",
            _ => $"{unit}/s",
        };
    }

    public string Id => "ToolLoop.PerUnit." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1 + (int)_kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _kind switch
    {
        PerUnitKind.Bytes => $"Bytes allocated per {_unit} (allocation of one operation / {_unit}s in it)",
        PerUnitKind.Rate => $"{_unit}s per second, from the median",
        _ => $"Median time per {_unit} (one operation / {_unit}s in it)",
    };

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Measure.Units(c)?.Name == _unit);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (Measure.Units(benchmarkCase) is not { } units || units.Name != _unit || units.Units <= 0)
        {
            return "-";
        }

        var culture = style.CultureInfo;
        switch (_kind)
        {
            case PerUnitKind.Bytes:
                return Measure.AllocatedBytes(summary, benchmarkCase) is { } bytes ? ((double)bytes / units.Units).ToString("N1", culture) : "-";
            case PerUnitKind.Rate:
                return Measure.MedianNanoseconds(summary, benchmarkCase) is { } rateNs && rateNs > 0 ? (units.Units / rateNs * 1e9).ToString("N0", culture) : "-";
            default:
                if (Measure.MedianNanoseconds(summary, benchmarkCase) is not { } ns)
                {
                    return "-";
                }

                double perUnit = ns / units.Units / (_kind == PerUnitKind.Microseconds ? 1000 : 1);
                return perUnit.ToString(perUnit >= 100 ? "N0" : "N2", culture);
        }
    }

    public override string ToString() => ColumnName;
}
