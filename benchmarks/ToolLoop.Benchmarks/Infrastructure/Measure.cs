using System.Reflection;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>Reads a case's size and per-unit count, and its median time and allocation, for the custom columns.</summary>
internal static class Measure
{
    /// <summary>Gets the first parameter of the case that is an <see cref="IMeasuredInput"/>, if any.</summary>
    public static IMeasuredInput? Input(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IMeasuredInput>().FirstOrDefault();

    /// <summary>Gets the units one operation processes and their name: a method's or class's <see cref="PerUnitAttribute"/>, else the input property a method's <see cref="UnitsFromAttribute"/> names.</summary>
    public static (long Units, string Name)? Units(BenchmarkCase benchmarkCase)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod;
        var attribute = method.GetCustomAttribute<PerUnitAttribute>() ?? benchmarkCase.Descriptor.Type.GetCustomAttribute<PerUnitAttribute>();
        if (attribute is not null)
        {
            if (attribute.RecordedFigure is null)
            {
                return (attribute.Units, attribute.UnitName);
            }

            return RecordedFigures.Get(benchmarkCase.Descriptor.Type).TryGetValue(attribute.RecordedFigure, out double recorded) && recorded > 0
                ? ((long)recorded, attribute.UnitName)
                : null;
        }

        // An input's units count only for methods that say which of its counts they process (a whole parse has no chunks).
        if (Input(benchmarkCase) is not { } input || method.GetCustomAttribute<UnitsFromAttribute>() is not { } from)
        {
            return null;
        }

        long units = (long)(input.GetType().GetProperty(from.PropertyName)?.GetValue(input)
            ?? throw new InvalidOperationException($"{input.GetType().Name} has no property {from.PropertyName}"));
        return units > 0 ? (units, input.UnitName) : null;
    }

    /// <summary>Gets the median time of one operation in nanoseconds, or <see langword="null"/> when the case did not run.</summary>
    public static double? MedianNanoseconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Median;

    /// <summary>Gets the bytes allocated by one operation, or <see langword="null"/> without the memory diagnoser.</summary>
    public static long? AllocatedBytes(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.GcStats is { } gc && gc.GetBytesAllocatedPerOperation(benchmarkCase) is long bytes ? bytes : null;
}
