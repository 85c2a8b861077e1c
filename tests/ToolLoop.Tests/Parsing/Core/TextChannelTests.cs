using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// Whitespace held at the end of text (until more text shows it was inner whitespace) is bounded: past 16K characters
/// the oldest is released, so inner whitespace is never lost and the result does not depend on chunking.
/// </summary>
public sealed class TextChannelTests
{
    private const int Bound = 16 * 1024;

    [Theory]
    [InlineData(10)]
    [InlineData(Bound)]
    [InlineData(Bound + 1)]
    [InlineData(Bound + 5000)]
    [InlineData((3 * Bound) + 7)]
    public void Inner_whitespace_of_any_length_is_kept_however_chunked(int run)
    {
        var text = "a" + new string(' ', run / 2) + "\n" + new string('\t', run - (run / 2)) + "b";
        AssertEveryChunking(text, text);
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(Bound, 0)]
    [InlineData(Bound + 3, 3)]
    [InlineData((2 * Bound) + 9, Bound + 9)]
    public void Trailing_whitespace_past_the_bound_is_released_oldest_first(int run, int kept)
    {
        var text = "a" + new string(' ', run - 1) + "\n";
        AssertEveryChunking(text, "a" + text[1..(1 + kept)]);
    }

    [Fact]
    public void Channel_releases_exactly_the_excess_in_order()
    {
        var channel = new TextChannel();
        using var sink = new TextSink();
        sink.SetSource(ReadOnlyMemory<char>.Empty, null);
        channel.Write("x", sink);
        var ws = string.Concat(Enumerable.Range(0, Bound + 10).Select(i => i % 3 == 0 ? "\n" : i % 3 == 1 ? " " : "\t"));
        channel.Write(ws.AsSpan(0, 100), sink);
        channel.Write(ws.AsSpan(100), sink);
        Assert.Equal("x" + ws[..10], sink.Take());
        channel.Write("y", sink);
        Assert.Equal(ws[10..] + "y", sink.Take());
    }

    private static void AssertEveryChunking(string text, string expected)
    {
        Assert.Equal(expected, ToolCallParser.Parse(text, ToolCallFormat.Hermes).Content);
        foreach (var size in new[] { 1, 3, 4, 997 })
        {
            Assert.Equal(expected, Chunking.ParseChars(text, size, ToolCallFormat.Hermes, null).Content);
        }
    }
}
