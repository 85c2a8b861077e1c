using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// The parser's text sink records runs of its source instead of copying them, so its result must be exactly the
/// appended text in order, however runs, gaps and foreign text mix.
/// </summary>
public sealed class TextSinkTests
{
    [Fact]
    public void Contiguous_runs_of_the_source_become_one_string_and_the_whole_source_is_handed_out_as_is()
    {
        const string source = "Hello, streaming world";
        using var sink = new TextSink();
        sink.SetSource(source.AsMemory(), source);
        sink.Append(source.AsSpan(0, 5));
        sink.Append(source.AsSpan(5, 7));
        Assert.Equal(12, sink.Length);
        Assert.Equal("Hello, strea", sink.Take());
        Assert.Equal(0, sink.Length);

        sink.Append(source.AsSpan(0, 10));
        sink.Append(source.AsSpan(10));
        Assert.Same(source, sink.Take());
    }

    [Fact]
    public void Gaps_foreign_text_and_a_new_source_keep_the_text_in_order()
    {
        var buffer = "abcdefghij".ToCharArray();
        using var sink = new TextSink();
        sink.SetSource(buffer.AsMemory(), null);
        sink.Append(buffer.AsSpan(0, 2));
        sink.Append(buffer.AsSpan(4, 2));
        sink.Append("XY");
        sink.Append(buffer.AsSpan(6, 1));

        // A pending run is copied before the source changes under it.
        sink.Append(buffer.AsSpan(8, 2));
        sink.SetSource("zz".AsMemory(), "zz");
        buffer.AsSpan().Fill('-');
        sink.Append("zz".AsSpan());
        Assert.Equal("abefXYgijzz", sink.Take());

        sink.SetSource(buffer.AsMemory(), null);
        sink.Append(buffer.AsSpan(1, 2));
        sink.SetSource(default, null);
        buffer.AsSpan().Fill('!');
        Assert.Equal("--", sink.Take());
    }

    [Fact]
    public void A_long_mix_matches_a_string_builder()
    {
        var random = new Random(7);
        var source = new string([.. Enumerable.Range(0, 4000).Select(i => (char)('a' + (i % 26)))]);
        using var sink = new TextSink();
        sink.SetSource(source.AsMemory(), source);
        var expected = new System.Text.StringBuilder();
        var at = 0;
        while (at < source.Length)
        {
            var n = Math.Min(random.Next(1, 300), source.Length - at);
            if (random.Next(3) == 0)
            {
                var foreign = new string('#', random.Next(1, 5));
                sink.Append(foreign);
                expected.Append(foreign);
            }

            sink.Append(source.AsSpan(at, n));
            expected.Append(source, at, n);
            at += n + random.Next(0, 2);
        }

        Assert.Equal(expected.ToString(), sink.Take());
    }

    [Theory]
    [InlineData("""{"a":"\\ud800"}""", """{"a":"\\ud800"}""")]
    [InlineData("""{"a":"\\\ud800"}""", """{"a":"\\\ufffd"}""")]
    [InlineData("""{"a":"x\ud800"}""", """{"a":"x\ufffd"}""")]
    [InlineData("""{"a":"\ud83d\ude00 \\\\u \n"}""", """{"a":"\ud83d\ude00 \\\\u \n"}""")]
    [InlineData("""{"a":"\ude00\ud83d"}""", """{"a":"\ufffd\ufffd"}""")]
    public void Escaped_lone_surrogates_are_found_behind_any_backslash_run(string json, string expected)
        => Assert.Equal(expected, Utf16Text.ToValidJson(json));
}
