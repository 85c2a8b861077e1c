namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// Estimates the managed bytes a parse's output occupies (its event strings and call objects, on 64-bit .NET), so a
/// benchmark's allocation can be set against what it must produce: an allocation equal to the output is the floor.
/// </summary>
internal static class OutputSize
{
    /// <summary>Approximate size of a <see cref="ParsedToolCall"/> object (header, method table, four references, a flag, a format).</summary>
    private const int CallObjectBytes = 56;

    /// <summary>Gets the estimated size of the strings and call objects the events carry.</summary>
    public static long Of(IEnumerable<ToolCallParseEvent> events)
    {
        long bytes = 0;
        foreach (var e in events)
        {
            bytes += StringBytes(e.Text);
            if (e.Call is { } call)
            {
                bytes += CallObjectBytes + StringBytes(call.Id) + StringBytes(call.Name) + StringBytes(call.ArgumentsJson);
            }
        }

        return bytes;
    }

    /// <summary>Gets a string's size: 22 bytes of header, length and terminator plus two per char, rounded up to 8.</summary>
    public static long StringBytes(string? s) => s is null ? 0 : (22 + (2L * s.Length) + 7) & ~7L;
}
