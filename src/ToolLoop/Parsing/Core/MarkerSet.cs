using System.Buffers;

namespace ToolLoop.Parsing;

/// <summary>The markers the parser looks for in one state, indexed by first character, longest first.</summary>
internal sealed class MarkerSet
{
    private readonly Dictionary<char, Marker[]> _byFirst;

    // The same lists for ASCII first characters (every marker so far): a hit in text costs an array index, not a hash lookup.
    private readonly Marker[][] _byAsciiFirst = new Marker[128][];

    public MarkerSet(IEnumerable<Marker> markers, bool bareJson)
    {
        _byFirst = markers
            .GroupBy(m => m.Text[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(m => m.Text.Length).ToArray());
        foreach (var (first, list) in _byFirst)
        {
            if (first < 128)
            {
                _byAsciiFirst[first] = list;
            }
        }

        var firsts = _byFirst.Keys.ToList();
        if (bareJson && !firsts.Contains('{'))
        {
            firsts.Add('{');
        }

        FirstChars = SearchValues.Create(firsts.ToArray());
        BareJson = bareJson;
        LongestMarker = _byFirst.Values.SelectMany(m => m).Select(m => m.Text.Length).DefaultIfEmpty(1).Max();
    }

    public SearchValues<char> FirstChars { get; }

    public bool BareJson { get; }

    public int LongestMarker { get; }

    public ReadOnlySpan<Marker> StartingWith(char c) => c < 128 ? _byAsciiFirst[c] : _byFirst.TryGetValue(c, out var m) ? m : [];

    /// <summary>Gets every marker of the set (tests flood the parser with each one).</summary>
    public IEnumerable<Marker> All => _byFirst.Values.SelectMany(m => m);
}
