namespace ToolLoop.Parsing;

/// <summary>The outcome of scanning a call region.</summary>
internal enum RegionStatus
{
    /// <summary>The region is not finished; everything before the returned position was examined.</summary>
    NeedMore,

    /// <summary>The region ends at the returned position (exclusive).</summary>
    Complete,

    /// <summary>The opener was not the start of a call: its text is content.</summary>
    Reject,
}
