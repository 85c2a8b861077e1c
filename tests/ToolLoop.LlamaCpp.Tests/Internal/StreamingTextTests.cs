using System.Text;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Tests.Internal;

public sealed class StreamingTextTests
{
    [Fact]
    public void Decoder_holds_incomplete_sequences_until_they_complete()
    {
        var decoder = new Utf8StreamDecoder();
        byte[] bytes = Encoding.UTF8.GetBytes("é😀");

        string[] parts = [.. bytes.Select(b => decoder.Append([b]))];

        Assert.Equal(["", "é", "", "", "", "😀"], parts);
        Assert.Equal(string.Empty, decoder.Flush());
    }

    [Fact]
    public void Decoder_turns_a_dangling_sequence_into_a_replacement_character_at_the_end()
    {
        var decoder = new Utf8StreamDecoder();

        Assert.Equal("a", decoder.Append([(byte)'a', 0xF0, 0x9F]));
        Assert.Equal("\uFFFD", decoder.Flush());
    }

    [Fact]
    public void Stop_sequences_are_never_emitted_even_partially()
    {
        var matcher = new StopSequenceMatcher(["STOP", "<end>"]);

        string a = matcher.Append("Hello ST", out bool s1);
        string b = matcher.Append("OP and more", out bool s2);

        Assert.Equal("Hello ", a);
        Assert.False(s1);
        Assert.Equal(string.Empty, b);
        Assert.True(s2);
    }

    [Fact]
    public void Held_text_is_released_when_it_turns_out_not_to_be_a_stop_sequence()
    {
        var matcher = new StopSequenceMatcher(["STOP"]);

        string a = matcher.Append("Go ST", out _);
        string b = matcher.Append("ART", out bool stopped);

        Assert.Equal("Go ", a);
        Assert.Equal("START", b);
        Assert.False(stopped);
        Assert.Equal(string.Empty, matcher.Flush());
    }
}
