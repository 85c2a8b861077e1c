namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>What a <see cref="PerUnitColumn"/> shows.</summary>
internal enum PerUnitKind
{
    /// <summary>Median nanoseconds per unit.</summary>
    Nanoseconds,

    /// <summary>Median microseconds per unit.</summary>
    Microseconds,

    /// <summary>Allocated bytes per unit.</summary>
    Bytes,

    /// <summary>Units per second.</summary>
    Rate,
}
