namespace ToolLoop.Tests.Parsing;

/// <summary>Every fixture: the whole parse against its snapshot, then split at every byte and in random chunkings.</summary>
public sealed class FixtureTests
{
    public static TheoryData<string> Cases() => [.. Fixture.Ids()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_matches_its_snapshot(string id)
    {
        var f = Fixture.Load(id);
        var result = ToolCallParser.Parse(f.Input, f.Format, f.Options);
        Snapshots.Snapshot.Verify(f.VerifiedPath, Fixture.ToSnapshot(result));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_split_at_every_byte_parses_the_same(string id)
    {
        var f = Fixture.Load(id);
        var whole = Chunking.Parse(f.Input, [f.Input.Length], f.Format, f.Options);
        for (var cut = 1; cut < f.Input.Length; cut++)
        {
            Chunking.AssertSame(whole, Chunking.Parse(f.Input, [cut, f.Input.Length - cut], f.Format, f.Options), $"{id} split at byte {cut}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_in_random_chunks_parses_the_same(string id)
    {
        var f = Fixture.Load(id);
        var whole = Chunking.Parse(f.Input, [f.Input.Length], f.Format, f.Options);
        for (var seed = 0; seed < 25; seed++)
        {
            var sizes = Chunking.RandomSizes(f.Input.Length, seed);
            Chunking.AssertSame(whole, Chunking.Parse(f.Input, sizes, f.Format, f.Options), $"{id} chunked with seed {seed}");
        }

        // One byte at a time, and as text one char at a time.
        Chunking.AssertSame(whole, Chunking.Parse(f.Input, [.. Enumerable.Repeat(1, f.Input.Length)], f.Format, f.Options), $"{id} byte by byte");
        Chunking.AssertSame(whole, Chunking.ParseChars(System.Text.Encoding.UTF8.GetString(f.Input), 1, f.Format, f.Options), $"{id} char by char");
    }
}
