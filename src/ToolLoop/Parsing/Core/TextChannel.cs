namespace ToolLoop.Parsing;

/// <summary>
/// Visible or reasoning text on its way out. Whitespace at a boundary with markup (and at the ends of the output)
/// belongs to the markup: leading whitespace after a boundary is dropped, and trailing whitespace is held until
/// more text shows it was inner whitespace, or a boundary drops it.
/// </summary>
internal sealed class TextChannel
{
    // Held whitespace beyond this is released (oldest first) so that memory stays bounded however long the run.
    private const int MaxHeldWhitespace = 16 * 1024;

    // The held whitespace, in a plain array (a streamed output holds a space or a newline at the end of nearly every
    // piece of prose, so this is on the per-chunk path): _held[.._heldCount].
    private char[] _held = [];
    private int _heldCount;
    private bool _atBoundary = true;

    // The last characters that went out (see JoinGuard), most recent last.
    private char[]? _tail;
    private int _tailLength;

    /// <summary>Gets a value indicating whether any non-whitespace text went out.</summary>
    public bool HasText { get; private set; }

    public void Write(ReadOnlySpan<char> text, TextSink output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        if (_atBoundary)
        {
            text = text.TrimStart();
            if (text.IsEmpty)
            {
                return;
            }

            _atBoundary = false;
        }

        var end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end == 0)
        {
            Hold(text, output);
            return;
        }

        if (_heldCount > 0)
        {
            output.Append(_held.AsSpan(0, _heldCount));
            Remember(_held.AsSpan(0, _heldCount));
            _heldCount = 0;
        }

        output.Append(text[..end]);
        Remember(text[..end]);
        HasText = true;
        Hold(text[end..], output);
    }

    /// <summary>
    /// Writes <paramref name="text"/> as <see cref="Write"/> does when nothing else is gathered, returning what goes out
    /// as one string (<see langword="null"/> when nothing does, the text being held or dropped whitespace). Declines
    /// (<see langword="false"/>, nothing changed) when the held whitespace would pass its bound.
    /// </summary>
    public bool TryWriteAlone(ReadOnlySpan<char> text, out string? output)
    {
        output = null;
        if (_heldCount + text.Length > MaxHeldWhitespace)
        {
            return false;
        }

        if (_atBoundary)
        {
            text = text.TrimStart();
            if (text.IsEmpty)
            {
                return true;
            }

            _atBoundary = false;
        }

        var end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > 0)
        {
            output = _heldCount == 0 ? new string(text[..end]) : string.Concat(_held.AsSpan(0, _heldCount), text[..end]);
            Remember(_held.AsSpan(0, _heldCount));
            Remember(text[..end]);
            _heldCount = 0;
            HasText = true;
        }

        // Within the bound (checked above): nothing is released.
        Keep(text[end..]);
        return true;
    }

    private void Hold(ReadOnlySpan<char> whitespace, TextSink output)
    {
        if (whitespace.IsEmpty)
        {
            return;
        }

        var excess = _heldCount + whitespace.Length - MaxHeldWhitespace;
        if (excess > 0)
        {
            // Release the oldest held whitespace, then (when the new run alone is over the bound) the new run's start.
            var fromHeld = Math.Min(excess, _heldCount);
            output.Append(_held.AsSpan(0, fromHeld));
            Remember(_held.AsSpan(0, fromHeld));
            _held.AsSpan(fromHeld, _heldCount - fromHeld).CopyTo(_held);
            _heldCount -= fromHeld;
            output.Append(whitespace[..(excess - fromHeld)]);
            Remember(whitespace[..(excess - fromHeld)]);
            whitespace = whitespace[(excess - fromHeld)..];
        }

        Keep(whitespace);
    }

    /// <summary>Appends whitespace to the held run; the caller keeps the run within <see cref="MaxHeldWhitespace"/>.</summary>
    private void Keep(ReadOnlySpan<char> whitespace)
    {
        if (_heldCount + whitespace.Length > _held.Length)
        {
            var bigger = new char[Math.Min(MaxHeldWhitespace, Math.Max(16, Math.Max(_held.Length * 2, _heldCount + whitespace.Length)))];
            _held.AsSpan(0, _heldCount).CopyTo(bigger);
            _held = bigger;
        }

        whitespace.CopyTo(_held.AsSpan(_heldCount));
        _heldCount += whitespace.Length;
    }

    /// <summary>Gets the last characters that went out (up to <see cref="JoinGuard.TailLength"/>), whitespace held back excluded.</summary>
    public ReadOnlySpan<char> Tail => _tail.AsSpan(0, _tailLength);

    private void Remember(ReadOnlySpan<char> text)
    {
        var tail = _tail ??= new char[JoinGuard.TailLength];
        if (text.Length >= tail.Length)
        {
            text[^tail.Length..].CopyTo(tail);
            _tailLength = tail.Length;
            return;
        }

        var keep = Math.Min(_tailLength, tail.Length - text.Length);
        tail.AsSpan(_tailLength - keep, keep).CopyTo(tail);
        text.CopyTo(tail.AsSpan(keep));
        _tailLength = keep + text.Length;
    }

    public void Boundary()
    {
        _heldCount = 0;
        _atBoundary = true;
    }
}
