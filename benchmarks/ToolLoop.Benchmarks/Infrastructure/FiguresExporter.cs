using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// Writes <c>*-figures.json</c> next to BenchmarkDotNet's reports: per case, the median and mean (ns), the allocation
/// per operation, the input's bytes and units, the categories and the baseline flag, plus any
/// <see cref="IExtraFigures"/> of the input and the class's <see cref="RecordedFigures"/>. <c>benchmarks/summarize.py</c> turns these into the README's tables and
/// checks each of the targets against them, so no figure is copied by hand.
/// </summary>
internal sealed class FiguresExporter : ExporterBase
{
    public static readonly FiguresExporter Instance = new();

    protected override string FileExtension => "json";

    protected override string FileNameSuffix => "-figures";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("title", summary.Title);
            json.WriteString("processor", summary.HostEnvironmentInfo.Cpu.Value?.ProcessorName ?? "unknown");
            json.WriteNumber("logicalCores", summary.HostEnvironmentInfo.Cpu.Value?.LogicalCoreCount ?? 0);
            json.WriteString("os", summary.HostEnvironmentInfo.Os.Value?.ToString() ?? "unknown");
            json.WriteString("runtime", summary.HostEnvironmentInfo.RuntimeVersion);
            json.WriteString("sdk", summary.HostEnvironmentInfo.DotNetSdkVersion.Value);
            json.WriteStartArray("cases");
            foreach (var benchmarkCase in summary.BenchmarksCases)
            {
                json.WriteStartObject();
                json.WriteString("type", benchmarkCase.Descriptor.Type.Name);
                json.WriteString("method", benchmarkCase.Descriptor.WorkloadMethod.Name);
                json.WriteString("job", benchmarkCase.Job.ResolvedId);
                json.WriteBoolean("baseline", benchmarkCase.Descriptor.Baseline);
                json.WriteStartArray("categories");
                foreach (string category in benchmarkCase.Descriptor.Categories)
                {
                    json.WriteStringValue(category);
                }

                json.WriteEndArray();
                json.WriteStartObject("parameters");
                foreach (var parameter in benchmarkCase.Parameters.Items)
                {
                    json.WriteString(parameter.Name, parameter.Value?.ToString());
                }

                json.WriteEndObject();
                WriteNumber(json, "medianNs", Measure.MedianNanoseconds(summary, benchmarkCase));
                WriteNumber(json, "meanNs", summary[benchmarkCase]?.ResultStatistics?.Mean);
                WriteNumber(json, "allocatedBytes", Measure.AllocatedBytes(summary, benchmarkCase));
                var input = Measure.Input(benchmarkCase);
                WriteNumber(json, "inputBytes", input?.Bytes);
                if (Measure.Units(benchmarkCase) is { } units)
                {
                    json.WriteNumber("units", units.Units);
                    json.WriteString("unit", units.Name);
                }

                json.WriteStartObject("extra");
                if (input is IExtraFigures extra)
                {
                    foreach (var (name, value) in extra.Figures(benchmarkCase.Descriptor.WorkloadMethod.Name))
                    {
                        json.WriteNumber(name, value);
                    }
                }

                foreach (var (name, value) in RecordedFigures.Get(benchmarkCase.Descriptor.Type))
                {
                    json.WriteNumber(name, value);
                }

                json.WriteEndObject();

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        logger.Write(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
