using BenchmarkDotNet.Running;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release -- --filter '*'</c> (BenchmarkDotNet's command line; see
/// <c>benchmarks/README.md</c>). Exits 1 when any selected benchmark fails, so CI notices a benchmark that throws.
/// </summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    /// <param name="args">BenchmarkDotNet's arguments, or <c>--export-template-inputs DIR</c> for the Jinja2 script.</param>
    /// <returns>0 when every selected benchmark ran.</returns>
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--export-template-inputs")
        {
            return Templates.TemplateInputsExport.Run(args[1], Console.Out);
        }

        RecordedFigures.Reset();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create()).ToList();
        return RunOutcome.Succeeded(summaries, Console.Error) ? 0 : 1;
    }
}
