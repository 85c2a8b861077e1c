using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// A column that shows one of the input's <see cref="IExtraFigures"/>: as is (<paramref name="perUnit"/> null), divided by the
/// case's units (true: only cases with units), or as is for cases without units only (false).
/// </summary>
internal sealed class ExtraFigureColumn(string figure, string header, string legend, bool? perUnit) : IColumn
{
    public string Id => "ToolLoop.Extra." + figure;

    public string ColumnName => header;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 20;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Value(c) is not null);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Value(benchmarkCase) is { } value ? value.ToString("N2", style.CultureInfo) : "-";

    public override string ToString() => ColumnName;

    private double? Value(BenchmarkCase benchmarkCase)
    {
        if (Measure.Input(benchmarkCase) is not IExtraFigures extra)
        {
            return null;
        }

        foreach (var (name, value) in extra.Figures(benchmarkCase.Descriptor.WorkloadMethod.Name))
        {
            if (name == figure)
            {
                var units = Measure.Units(benchmarkCase);
                return perUnit switch
                {
                    null => value,
                    true => units is { Units: > 0 } u ? value / u.Units : null,
                    false => units is null ? value : null,
                };
            }
        }

        return null;
    }
}
