namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// On a benchmark method: its per-unit figures divide by this property of the <see cref="IMeasuredInput"/> parameter
/// (<see cref="IMeasuredInput.Units"/>, or another count such as the string entry's 4-char chunks). Methods without it
/// (a whole parse) have no per-unit figures.
/// </summary>
/// <param name="propertyName">A <see cref="long"/> property of the input.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnitsFromAttribute(string propertyName) : Attribute
{
    /// <summary>Gets the property's name.</summary>
    public string PropertyName { get; } = propertyName;
}
