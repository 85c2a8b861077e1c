namespace ToolLoop.Parsing;

/// <summary>
/// Reads one call region (from its opening marker to its end) for one family. Scanning is resumable: <see cref="Scan"/>
/// is called with the whole region text seen so far and the position to resume from, keeps what it learned in fields,
/// and never looks behind the resume position, so each character is examined a bounded number of times.
/// </summary>
internal abstract class CallRegion
{
    /// <summary>Gets the family the region belongs to.</summary>
    public abstract ToolCallFormat Format { get; }

    /// <summary>Gets a value indicating whether the region is a guess (bare JSON) whose text is content when it proves not to be a call.</summary>
    public virtual bool IsSpeculative => false;

    /// <summary>
    /// Gets where the region's call is complete, when what the region has read since is only lookahead (whitespace or
    /// an optional closer that has not come); 0 when there is no such point. A region that grows past the size cap ends
    /// here when this lies within the cap, so that whitespace after a call never makes it oversized.
    /// </summary>
    public virtual int CommittedEnd => 0;

    /// <summary>Scans <paramref name="region"/> from <paramref name="pos"/>; <paramref name="pos"/> is left where scanning should resume, or at the region's end.</summary>
    /// <param name="region">The region text so far, starting with the opening marker.</param>
    /// <param name="pos">The position to resume from.</param>
    /// <returns>The status.</returns>
    public abstract RegionStatus Scan(ReadOnlySpan<char> region, ref int pos);

    /// <summary>Delivers the region's calls, problems or content.</summary>
    /// <param name="region">The complete region text (at end of stream: everything that was left).</param>
    /// <param name="endOfStream">Whether the output ended before the region closed.</param>
    /// <param name="context">Where results go.</param>
    /// <returns>How many characters of <paramref name="region"/> were consumed; the rest is parsed again as output text.</returns>
    public abstract int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context);

    /// <summary>
    /// Moves the positions the region keeps back by <paramref name="shift"/>: the parser dropped that many characters
    /// from the region's start (an oversized call, reported in pieces). Such a region is only scanned to find its end,
    /// never finished, so positions that fall before the new start are clamped to it.
    /// </summary>
    /// <param name="shift">How many characters were dropped (never more than the scan position).</param>
    public abstract void Rebase(int shift);

    /// <summary>Shifts one kept position; negative values are "not set" markers and stay as they are.</summary>
    protected internal static int Shift(int position, int shift) => position < 0 ? position : Math.Max(0, position - shift);
}
