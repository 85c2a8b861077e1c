using System.Text;

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
    private StringBuilder? _heldWhitespace;
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

        if (_heldWhitespace is { Length: > 0 })
        {
            foreach (var piece in _heldWhitespace.GetChunks())
            {
                output.Append(piece.Span);
                Remember(piece.Span);
            }

            _heldWhitespace.Clear();
        }

        output.Append(text[..end]);
        Remember(text[..end]);
        HasText = true;
        Hold(text[end..], output);
    }

    private void Hold(ReadOnlySpan<char> whitespace, TextSink output)
    {
        if (whitespace.IsEmpty)
        {
            return;
        }

        var held = _heldWhitespace ??= new StringBuilder();
        held.Append(whitespace);
        if (held.Length > MaxHeldWhitespace)
        {
            var excess = held.Length - MaxHeldWhitespace;
            var left = excess;
            foreach (var piece in held.GetChunks())
            {
                var n = Math.Min(left, piece.Length);
                output.Append(piece.Span[..n]);
                Remember(piece.Span[..n]);
                left -= n;
                if (left == 0)
                {
                    break;
                }
            }

            held.Remove(0, excess);
        }
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
        _heldWhitespace?.Clear();
        _atBoundary = true;
    }
}
