using System.Text;

namespace ToolLoop.LocalModels;

/// <summary>
/// Turns token pieces (UTF-8 bytes that may end in the middle of a character, as byte-fallback tokens
/// do) into text without ever splitting a character: the bytes of an incomplete sequence wait for the
/// next piece. Invalid UTF-8 becomes U+FFFD.
/// </summary>
internal sealed class Utf8StreamDecoder
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    /// <summary>Decodes the complete characters available after appending <paramref name="bytes"/>.</summary>
    public string Append(ReadOnlySpan<byte> bytes) => Decode(bytes, flush: false);

    /// <summary>Ends the stream: a dangling incomplete sequence becomes U+FFFD.</summary>
    public string Flush() => Decode([], flush: true);

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        // Each byte (and each of at most three held back) gives at most one char, so this bound needs no counting pass.
        int needed = bytes.Length + 4;
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        int count = _decoder.GetChars(bytes, _chars, flush);
        return count == 0 ? string.Empty : new string(_chars, 0, count);
    }
}
