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

/// <summary>A literal marker and what it does. Compared ordinally.</summary>
internal sealed class Marker(string text, MarkerAction action)
{
    public string Text { get; } = text;

    public MarkerAction Action { get; } = action;

    /// <summary>For <see cref="MarkerAction.OpenReasoning"/>: the markers that close it.</summary>
    public string[] Closers { get; init; } = [];

    /// <summary>For call openers: makes the region that reads the call.</summary>
    public Func<ParseContext, CallRegion>? Region { get; init; }

    /// <summary>For <see cref="MarkerAction.OpenCallFromReasoning"/>: the text that must follow (after whitespace).</summary>
    public string? Lookahead { get; init; }
}
