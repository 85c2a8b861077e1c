namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// Declares how many units one operation processes, on a benchmark class (every method) or a method (overrides the
/// class), for benchmarks whose parameters are not <see cref="IMeasuredInput"/> (for example five tool rounds per request).
/// </summary>
/// <param name="unitName">The unit's name (<c>round</c>).</param>
/// <param name="units">Units per operation.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class PerUnitAttribute(string unitName, long units) : Attribute
{
    /// <summary>
    /// Initializes a new instance of the <see cref="PerUnitAttribute"/> class whose count the benchmark records when it
    /// runs (<see cref="RecordedFigures"/>), for counts only the running model knows (tokens).
    /// </summary>
    /// <param name="unitName">The unit's name (<c>token</c>).</param>
    /// <param name="recordedFigure">The recorded figure that holds the units per operation.</param>
    public PerUnitAttribute(string unitName, string recordedFigure)
        : this(unitName, 0)
    {
        RecordedFigure = recordedFigure;
    }

    /// <summary>Gets the recorded figure that holds the units, or <see langword="null"/> for a fixed count.</summary>
    public string? RecordedFigure { get; }

    /// <summary>Gets the unit's name.</summary>
    public string UnitName { get; } = unitName;

    /// <summary>Gets the units per operation.</summary>
    public long Units { get; } = units;
}
