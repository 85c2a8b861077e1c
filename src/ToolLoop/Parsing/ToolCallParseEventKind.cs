namespace ToolLoop;

/// <summary>The kind of a <see cref="ToolCallParseEvent"/>.</summary>
public enum ToolCallParseEventKind
{
    /// <summary>Visible text, markup removed.</summary>
    Content = 0,

    /// <summary>Reasoning text.</summary>
    Reasoning,

    /// <summary>A complete tool call.</summary>
    ToolCall,

    /// <summary>A call that could not be read; its raw text is kept.</summary>
    Problem,
}
