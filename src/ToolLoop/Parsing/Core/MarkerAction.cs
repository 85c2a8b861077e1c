namespace ToolLoop.Parsing;

/// <summary>What the parser does when it meets a marker.</summary>
internal enum MarkerAction
{
    /// <summary>Leaked control markup: removed from the text, acts as a boundary.</summary>
    Strip,

    /// <summary>Opens reasoning; <see cref="Marker.Closers"/> closes it.</summary>
    OpenReasoning,

    /// <summary>Closes reasoning (only meaningful inside reasoning).</summary>
    CloseReasoning,

    /// <summary>Opens a call region made by <see cref="Marker.Region"/>.</summary>
    OpenCall,

    /// <summary>Inside reasoning: opens a call region only if the text after the marker confirms it (<see cref="Marker.Lookahead"/>).</summary>
    OpenCallFromReasoning,
}
