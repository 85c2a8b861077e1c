using System.Collections.Concurrent;

namespace ToolLoop.Parsing;

/// <summary>The markers of each format, built once per (format, bare-JSON) pair from the families of <see cref="FormatFamilies.All"/>.</summary>
internal sealed class FormatTable
{
    private static readonly ConcurrentDictionary<(ToolCallFormat, bool), FormatTable> s_cache = new();

    private FormatTable(MarkerSet content, MarkerSet reasoning, string[] closersAtStart, Func<ParseContext, CallRegion>? bareJson, Func<ParseContext, CallRegion>? atStart)
    {
        Content = content;
        Reasoning = reasoning;
        ReasoningClosersAtStart = closersAtStart;
        BareJsonRegion = bareJson;
        StartRegion = atStart;
    }

    public MarkerSet Content { get; }

    public MarkerSet Reasoning { get; }

    public string[] ReasoningClosersAtStart { get; }

    /// <summary>Gets the region that reads a <c>{</c> in content as a possible bare JSON call, or <see langword="null"/> when bare JSON is off.</summary>
    public Func<ParseContext, CallRegion>? BareJsonRegion { get; }

    /// <summary>
    /// Gets the region the output starts in (before any text), or <see langword="null"/>: the family's generation prompt
    /// ends inside a header (Functionary v3.2's <c>&gt;&gt;&gt;</c>, gpt-oss's <c>&lt;|start|&gt;assistant</c>). The region
    /// rejects what is not its own, and the output is then read from its first character as usual.
    /// </summary>
    public Func<ParseContext, CallRegion>? StartRegion { get; }

    public static FormatTable For(ToolCallFormat format, bool hasTools)
    {
        // Auto reads bare JSON only for declared tools: without them, any JSON answer would be a guess.
        var bareJson = format != ToolCallFormat.Auto || hasTools;
        return s_cache.GetOrAdd((format, bareJson), static key => Build(key.Item1, key.Item2));
    }

    private static FormatTable Build(ToolCallFormat format, bool bareJson)
    {
        var b = new Builder(format);
        b.Reasoning("<think>", "</think>");
        b.Strip(FormatFamilies.SharedTurnEnds);
        foreach (var family in FormatFamilies.All)
        {
            if (family.Format == format || (format == ToolCallFormat.Auto && family.InAuto))
            {
                family.Register(b);
                b.Strip(family.TurnEnds);
            }
        }

        return b.Build(bareJson);
    }

    /// <summary>Collects the markers the family files register.</summary>
    internal sealed class Builder(ToolCallFormat format)
    {
        private readonly Dictionary<string, Marker> _content = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Marker> _reasoning = new(StringComparer.Ordinal);
        private readonly List<string> _closers = [];
        private Func<ParseContext, CallRegion>? _bareJson;
        private Func<ParseContext, CallRegion>? _atStart;

        /// <summary>
        /// Gets the format being built: a family's own value, or <see cref="ToolCallFormat.Auto"/> when every family with
        /// <see cref="FormatFamily.InAuto"/> registers into one table. Families register markup that is ambiguous in prose
        /// (multi-token markers) only for their own format.
        /// </summary>
        public ToolCallFormat Format { get; } = format;

        /// <summary>Gets a value indicating whether the table is for <see cref="ToolCallFormat.Auto"/> (which reads only unambiguous markers).</summary>
        public bool IsAuto => Format == ToolCallFormat.Auto;

        /// <summary>
        /// A reasoning block: <paramref name="opener"/> opens it, any of <paramref name="closers"/> closes it, and a stray
        /// closer in content is removed.
        /// </summary>
        public void Reasoning(string opener, params string[] closers)
        {
            _content[opener] = new Marker(opener, MarkerAction.OpenReasoning) { Closers = closers };
            foreach (var closer in closers)
            {
                _content.TryAdd(closer, new Marker(closer, MarkerAction.Strip));
                _reasoning[closer] = new Marker(closer, MarkerAction.CloseReasoning);
                if (!_closers.Contains(closer))
                {
                    _closers.Add(closer);
                }
            }
        }

        /// <summary>Leaked control markup, removed wherever it appears.</summary>
        public void Strip(params string[] markers)
        {
            foreach (var m in markers)
            {
                _content.TryAdd(m, new Marker(m, MarkerAction.Strip));
                _reasoning.TryAdd(m, new Marker(m, MarkerAction.Strip));
            }
        }

        /// <summary>Stray closing markup (a closer without its opener), removed from content; inside reasoning it is text.</summary>
        public void StripInContent(params string[] markers)
        {
            foreach (var m in markers)
            {
                _content.TryAdd(m, new Marker(m, MarkerAction.Strip));
            }
        }

        /// <summary>
        /// A call opener in content. <paramref name="specialToken"/>: the opener is one special token of the family's
        /// vocabulary, so when no call follows it is leaked control markup and is removed (unless quoted in prose).
        /// <paramref name="anchored"/>: the opener is an ordinary word, read only at the start of the output or of a line, or
        /// right after a call.
        /// </summary>
        public void Call(string opener, Func<ParseContext, CallRegion> region, bool specialToken = false, bool anchored = false)
            => _content[opener] = new Marker(opener, MarkerAction.OpenCall) { Region = region, StripWhenRejected = specialToken, Anchored = anchored };

        /// <summary>A call opener that also ends unclosed reasoning (optionally only when <paramref name="lookahead"/> follows it).</summary>
        public void CallEndsReasoning(string opener, Func<ParseContext, CallRegion> region, string? lookahead = null)
            => _reasoning[opener] = new Marker(opener, lookahead is null ? MarkerAction.OpenCall : MarkerAction.OpenCallFromReasoning)
            {
                Region = region,
                Lookahead = lookahead,
            };

        /// <summary>
        /// Bare JSON calls with no opener (Llama 3): a <c>{</c> in content starts <paramref name="region"/>, a speculative
        /// region whose text stays content unless it proves to be a call.
        /// </summary>
        public void BareJson(Func<ParseContext, CallRegion> region) => _bareJson = region;

        /// <summary>
        /// The output starts inside <paramref name="region"/> (see <see cref="FormatTable.StartRegion"/>). Only for the
        /// family's own format: under <see cref="ToolCallFormat.Auto"/> the start of an output says nothing about its family.
        /// </summary>
        public void AtStart(Func<ParseContext, CallRegion> region)
        {
            if (Format != ToolCallFormat.Auto)
            {
                _atStart = region;
            }
        }

        public FormatTable Build(bool bareJson)
        {
            // Reasoning closers take precedence over strip markers with the same text.
            foreach (var closer in _closers)
            {
                _reasoning[closer] = new Marker(closer, MarkerAction.CloseReasoning);
            }

            var bare = bareJson ? _bareJson : null;
            return new FormatTable(new MarkerSet(_content.Values, bare is not null), new MarkerSet(_reasoning.Values, bareJson: false), [.. _closers], bare, _atStart);
        }
    }
}
