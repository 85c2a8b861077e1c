namespace ToolLoop;

/// <summary>The value of a <c>[start:stop:step]</c> subscript.</summary>
internal sealed record SliceValue(object? Start, object? Stop, object? Step);
