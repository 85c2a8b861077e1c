using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ToolLoop.Benchmarks.Inputs;

namespace ToolLoop.Benchmarks.Parsing;

/// <summary><c>examined/char</c>: the characters the parser's scanners were handed per input character, for the benchmark's entry (whole or 4-char chunks).</summary>
internal sealed class ExaminedColumn : IColumn
{
    public string Id => "ToolLoop.ExaminedPerChar";

    public string ColumnName => "examined/char";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Characters the parser examined per input character (its internal counter; bounded = linear)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Input"] is not HostileInput input)
        {
            return "-";
        }

        var (whole, chunked) = input.ExaminedPerChar;
        double value = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(HostileShapeBenchmarks.ParseWhole) ? whole : chunked;
        return value.ToString("N2", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
