namespace ToolLoop.Parsing;

/// <summary>How a marker relates to the text at a position.</summary>
internal enum MatchKind
{
    /// <summary>The text there is not the marker.</summary>
    None,

    /// <summary>The text ends before the marker could be completed, and what is there matches its start.</summary>
    Partial,

    /// <summary>The marker is there.</summary>
    Full,
}
