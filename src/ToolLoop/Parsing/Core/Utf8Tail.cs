using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace ToolLoop.Parsing;

/// <summary>
/// Streaming UTF-8 to UTF-16 without a <see cref="System.Text.Decoder"/> call per piece: each piece is transcoded with
/// <see cref="Utf8.ToUtf16(ReadOnlySpan{byte}, Span{char}, out int, out int, bool, bool)"/>, and only a sequence cut by
/// the end of a piece (at most three bytes) is kept for the next one. Invalid bytes become U+FFFD by the same rule as
/// <see cref="System.Text.UTF8Encoding"/>'s decoder (one per maximal invalid subpart), so the text does not depend on
/// where the pieces were cut. Decoded text never holds a lone surrogate.
/// </summary>
internal struct Utf8Tail
{
    // The bytes of a sequence cut by the end of the last piece: a valid prefix of one scalar value, so at most three.
    private Bytes4 _bytes;
    private int _count;

    // Pieces up to this many bytes are widened byte by byte while ASCII (a transcoder call costs more on a token).
    private const int SmallAscii = 16;

    /// <summary>Gets the most characters that decoding <paramref name="byteCount"/> more bytes can write (one per byte at most).</summary>
    public readonly int MaxChars(int byteCount) => byteCount + _count;

    /// <summary>Decodes <paramref name="utf8"/> after the held tail into <paramref name="dest"/>; returns the characters written.</summary>
    public int Decode(ReadOnlySpan<byte> utf8, Span<char> dest)
    {
        var written = 0;
        if (_count == 0)
        {
            // A streamed token is mostly ASCII: widen it in place of a transcoder call (long input goes to the vectorised
            // transcoder at once); the rest (if any) goes below.
            var scalar = Math.Min(utf8.Length, SmallAscii);
            while (written < scalar && utf8[written] < 0x80)
            {
                dest[written] = (char)utf8[written];
                written++;
            }

            if (written == utf8.Length)
            {
                return written;
            }

            if (written > 0)
            {
                utf8 = utf8[written..];
            }
        }
        else
        {
            // Finish the cut sequence first: the held bytes and the next few (a sequence is at most four bytes long).
            Span<byte> joined = stackalloc byte[8];
            _bytes[.._count].CopyTo(joined);
            var take = Math.Min(utf8.Length, 4);
            utf8[..take].CopyTo(joined[_count..]);
            var total = _count + take;
            Utf8.ToUtf16(joined[..total], dest, out var read, out written, replaceInvalidSequences: true, isFinalBlock: false);
            if (read < _count)
            {
                // Still a cut prefix: it can only be so when every byte of the piece joined it (at most three bytes in all).
                Hold(joined[read..total]);
                return written;
            }

            utf8 = utf8[(read - _count)..];
            _count = 0;
        }

        Utf8.ToUtf16(utf8, dest[written..], out var n, out var w, replaceInvalidSequences: true, isFinalBlock: false);
        written += w;
        if (n < utf8.Length)
        {
            Hold(utf8[n..]);
        }

        return written;
    }

    /// <summary>Ends the stream: a held cut sequence becomes U+FFFD. Returns the characters written (0 or 1).</summary>
    public int Flush(Span<char> dest)
    {
        if (_count == 0)
        {
            return 0;
        }

        Utf8.ToUtf16(_bytes[.._count], dest, out _, out var written, replaceInvalidSequences: true, isFinalBlock: true);
        _count = 0;
        return written;
    }

    private void Hold(ReadOnlySpan<byte> cut)
    {
        cut.CopyTo(_bytes);
        _count = cut.Length;
    }

    [InlineArray(4)]
    private struct Bytes4
    {
        private byte _element;
    }
}
