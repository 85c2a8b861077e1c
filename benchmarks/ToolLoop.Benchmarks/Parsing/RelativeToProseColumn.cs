using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary><c>× prose</c>: a hostile case's median per byte over the prose case's, same method and size.</summary>
internal sealed class RelativeToProseColumn : IColumn
{
    public string Id => "ToolLoop.RelativeToProse";

    public string ColumnName => "× prose";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 11;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median time per byte relative to prose of the same size and entry";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Input"] is not HostileInput input || Measure.MedianNanoseconds(summary, benchmarkCase) is not { } ns)
        {
            return "-";
        }

        var prose = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod == benchmarkCase.Descriptor.WorkloadMethod
            && c.Parameters["Input"] is HostileInput p && p.IsProse && p.Size == input.Size);
        if (prose is null || Measure.MedianNanoseconds(summary, prose) is not { } proseNs || proseNs <= 0)
        {
            return "-";
        }

        double ratio = (ns / input.Bytes) / (proseNs / ((HostileInput)prose.Parameters["Input"]).Bytes);
        return ratio.ToString("N2", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
