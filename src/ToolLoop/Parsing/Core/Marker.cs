namespace ToolLoop.Parsing;

/// <summary>A literal marker and what it does. Compared ordinally.</summary>
internal sealed class Marker(string text, MarkerAction action)
{
    public string Text { get; } = text;

    public MarkerAction Action { get; } = action;

    /// <summary>
    /// For call openers that are special tokens: when the region rejects (no call follows), the marker is leaked control
    /// markup and is removed, unless a quote or backtick next to it shows it is spelled out in prose.
    /// </summary>
    public bool StripWhenRejected { get; init; }

    /// <summary>
    /// For call openers that are ordinary words (Gemma's bare <c>call</c>): the opener counts only when anchored, at the
    /// start of the output or of a line (after spaces or tabs), or right after a call.
    /// </summary>
    public bool Anchored { get; init; }

    /// <summary>For <see cref="MarkerAction.OpenReasoning"/>: the markers that close it.</summary>
    public string[] Closers { get; init; } = [];

    /// <summary>For call openers: makes the region that reads the call.</summary>
    public Func<ParseContext, CallRegion>? Region { get; init; }

    /// <summary>For <see cref="MarkerAction.OpenCallFromReasoning"/>: the text that must follow (after whitespace).</summary>
    public string? Lookahead { get; init; }
}
