namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>
/// On a benchmark method: its per-unit figures divide by this property of the <see cref="IMeasuredInput"/> parameter
/// instead of <see cref="IMeasuredInput.Units"/> (for example the string entry's 4-char chunks).
/// </summary>
/// <param name="propertyName">A <see cref="long"/> property of the input.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnitsFromAttribute(string propertyName) : Attribute
{
    /// <summary>Gets the property's name.</summary>
    public string PropertyName { get; } = propertyName;
}
