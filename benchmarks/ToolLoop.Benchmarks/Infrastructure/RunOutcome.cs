using BenchmarkDotNet.Reports;

namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>Decides the process exit code: a benchmark that threw, did not build or did not run fails the run (and CI).</summary>
internal static class RunOutcome
{
    /// <summary>Checks the summaries and writes every failure to <paramref name="log"/>.</summary>
    /// <param name="summaries">The summaries BenchmarkDotNet returned.</param>
    /// <param name="log">Where failures are described.</param>
    /// <returns><see langword="true"/> when every selected benchmark ran and produced a measurement.</returns>
    public static bool Succeeded(IReadOnlyList<Summary> summaries, TextWriter log)
    {
        bool ok = true;
        if (summaries.Count == 0 || summaries.All(s => s.BenchmarksCases.Length == 0 && !s.HasCriticalValidationErrors))
        {
            log.WriteLine("benchmarks: no benchmark matched the filter (pass --filter '*' to run all)");
            ok = false;
        }

        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                ok = false;
                foreach (var error in summary.ValidationErrors)
                {
                    log.WriteLine($"benchmarks: validation error: {error.Message}");
                }
            }

            foreach (var benchmarkCase in summary.BenchmarksCases)
            {
                var report = summary[benchmarkCase];
                if (report is null || !report.Success || report.ResultStatistics is null)
                {
                    ok = false;
                    log.WriteLine($"benchmarks: FAILED {benchmarkCase.DisplayInfo}");
                }
            }
        }

        return ok;
    }
}
