namespace ToolLoop.Tests.Parsing;

/// <summary>Parses input in given chunkings and compares results (text may be split differently; its concatenation may not).</summary>
public static class Chunking
{
    public static ToolCallParseResult Parse(byte[] input, int[] sizes, ToolCallFormat format, ToolCallParserOptions? options)
    {
        using var parser = new StreamingToolCallParser(format, options);
        var events = new List<ToolCallParseEvent>();
        var offset = 0;
        foreach (var size in sizes)
        {
            parser.Append(input.AsSpan(offset, size), events);
            offset += size;
        }

        parser.Complete(events);
        return ToolCallParser.Collect(events);
    }

    public static ToolCallParseResult ParseChars(string input, int size, ToolCallFormat format, ToolCallParserOptions? options)
    {
        using var parser = new StreamingToolCallParser(format, options);
        var events = new List<ToolCallParseEvent>();
        for (var i = 0; i < input.Length; i += size)
        {
            parser.Append(input.AsSpan(i, Math.Min(size, input.Length - i)), events);
        }

        parser.Complete(events);
        return ToolCallParser.Collect(events);
    }

    public static int[] RandomSizes(int length, int seed)
    {
        var random = new Random(seed);
        var sizes = new List<int>();
        var left = length;
        while (left > 0)
        {
            var n = Math.Min(left, random.Next(1, Math.Max(2, random.Next(2, 40))));
            sizes.Add(n);
            left -= n;
        }

        return [.. sizes];
    }

    /// <summary>Parses <paramref name="text"/> whole, asserting the UTF-8 entry, byte-by-byte and char-by-char parses give the same result.</summary>
    public static ToolCallParseResult ParseOnEveryEntry(string text, ToolCallFormat format, ToolCallParserOptions? options)
    {
        var whole = ToolCallParser.Parse(text, format, options);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        AssertSame(whole, ToolCallParser.Parse(bytes, format, options), "the UTF-8 entry");
        AssertSame(whole, Parse(bytes, [.. Enumerable.Repeat(1, bytes.Length)], format, options), "byte by byte");
        AssertSame(whole, ParseChars(text, 1, format, options), "char by char");
        return whole;
    }

    public static void AssertSame(ToolCallParseResult expected, ToolCallParseResult actual, string what)
    {
        var e = expected.ToJson();
        var a = actual.ToJson();
        if (e != a)
        {
            Assert.Fail($"{what} differs from the whole parse:\n{Snapshots.Snapshot.LineDiff(e, a)}");
        }
    }
}
