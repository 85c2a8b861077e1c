namespace ToolLoop.Parsing;

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
