using System.Text;
using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// The parser's streaming UTF-8 decoding (no <see cref="Decoder"/> per piece) makes the same text as a UTF-8 decoder of
/// the whole bytes, however they are cut: split sequences are joined, invalid and cut bytes become U+FFFD one per
/// maximal invalid subpart, and a sequence cut by the end of the output is one U+FFFD.
/// </summary>
public sealed class Utf8TailTests
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Valid sequences of every length, and the invalid shapes a decoder treats differently: stray continuation bytes,
    // overlong and surrogate encodings, lead bytes past U+10FFFF, sequences cut short by a following ASCII or lead byte.
    private static readonly byte[][] s_pieces =
    [
        "a"u8.ToArray(), " "u8.ToArray(), "<"u8.ToArray(), "é"u8.ToArray(), "東"u8.ToArray(), "😀"u8.ToArray(),
        [0x80], [0xBF], [0xC0, 0xAF], [0xC1], [0xC2], [0xE0, 0x80, 0x80], [0xE0, 0xA0], [0xED, 0xA0, 0x80], [0xED, 0x9F],
        [0xF0, 0x9F], [0xF0, 0x9F, 0x98], [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xFE, 0xFF],
    ];

    [Fact]
    public void Random_bytes_in_random_pieces_decode_as_the_whole_bytes_do()
    {
        var random = new Random(20261201);
        for (var round = 0; round < 3000; round++)
        {
            var bytes = new List<byte>();
            var count = random.Next(1, 24);
            for (var k = 0; k < count; k++)
            {
                bytes.AddRange(s_pieces[random.Next(s_pieces.Length)]);
            }

            var all = bytes.ToArray();
            var expected = s_utf8.GetString(all);
            var maxPiece = random.Next(1, 9);
            Assert.Equal(expected, DecodeInPieces(all, random, maxPiece));
        }
    }

    [Fact]
    public void Every_cut_of_every_piece_pair_decodes_as_the_whole_bytes_do()
    {
        foreach (var a in s_pieces)
        {
            foreach (var b in s_pieces)
            {
                byte[] all = [.. a, .. b, .. a];
                var expected = s_utf8.GetString(all);
                for (var cut = 0; cut <= all.Length; cut++)
                {
                    var tail = default(Utf8Tail);
                    var dest = new char[all.Length + 4];
                    var n = tail.Decode(all.AsSpan(0, cut), dest);
                    n += tail.Decode(all.AsSpan(cut), dest.AsSpan(n));
                    n += tail.Flush(dest.AsSpan(n));
                    Assert.Equal(expected, new string(dest, 0, n));
                }
            }
        }
    }

    [Fact]
    public void Streamed_bytes_with_invalid_sequences_give_the_whole_parse()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var bytes = new List<byte>();
            for (var k = random.Next(1, 40); k > 0; k--)
            {
                bytes.AddRange(random.Next(4) == 0 ? "<tool_call>"u8.ToArray() : s_pieces[random.Next(s_pieces.Length)]);
            }

            var all = bytes.ToArray();
            var whole = ToolCallParser.Parse(s_utf8.GetString(all), ToolCallFormat.Hermes);
            for (var size = 1; size <= 5; size++)
            {
                var sizes = Enumerable.Range(0, (all.Length + size - 1) / size).Select(i => Math.Min(size, all.Length - (i * size))).ToArray();
                Chunking.AssertSame(whole, Chunking.Parse(all, sizes, ToolCallFormat.Hermes, null), $"{size}-byte pieces");
            }
        }
    }

    private static string DecodeInPieces(byte[] all, Random random, int maxPiece)
    {
        var tail = default(Utf8Tail);
        var sb = new StringBuilder();
        var pos = 0;
        while (pos < all.Length)
        {
            var size = Math.Min(all.Length - pos, random.Next(0, maxPiece + 1));
            var dest = new char[tail.MaxChars(size)];
            var n = tail.Decode(all.AsSpan(pos, size), dest);
            sb.Append(dest, 0, n);
            pos += size;
        }

        var end = new char[4];
        sb.Append(end, 0, tail.Flush(end));
        return sb.ToString();
    }
}
