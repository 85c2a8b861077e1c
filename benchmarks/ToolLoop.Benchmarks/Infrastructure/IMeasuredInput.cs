namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// A benchmark parameter that knows its own size, so the summary can show throughput (<c>MB/s</c>) and per-unit
/// figures (per chunk, per token, per round) computed from BenchmarkDotNet's median and allocation measurements.
/// </summary>
public interface IMeasuredInput
{
    /// <summary>Gets the UTF-8 length of the input in bytes (the <c>MB/s</c> numerator); 0 when throughput does not apply.</summary>
    long Bytes { get; }

    /// <summary>Gets how many units (chunks, tokens, rounds) one operation processes; 0 when per-unit figures do not apply.</summary>
    long Units { get; }

    /// <summary>Gets the unit's name as the column headers show it (<c>chunk</c>, <c>token</c>, <c>round</c>).</summary>
    string UnitName { get; }
}
