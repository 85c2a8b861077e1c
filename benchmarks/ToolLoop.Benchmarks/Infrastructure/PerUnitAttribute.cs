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
    /// <summary>Gets the unit's name.</summary>
    public string UnitName { get; } = unitName;

    /// <summary>Gets the units per operation.</summary>
    public long Units { get; } = units;
}
