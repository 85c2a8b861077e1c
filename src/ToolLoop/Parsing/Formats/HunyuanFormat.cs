namespace ToolLoop.Parsing;

/// <summary>
/// Tencent Hunyuan (formats.md 9.9). Hy3: <c>&lt;tool_calls:opensource&gt;</c> blocks of
/// <c>&lt;tool_call:opensource&gt;NAME&lt;tool_sep:opensource&gt;&lt;arg_key:opensource&gt;K&lt;/arg_key:opensource&gt;&lt;arg_value:opensource&gt;V&lt;/arg_value:opensource&gt;…&lt;/tool_call:opensource&gt;</c>,
/// GLM's pairs (and reader) under <c>:opensource</c>-suffixed special tokens, reasoning in <c>&lt;think:opensource&gt;</c>.
/// Under this format the bare spellings of preview tokenizers (<c>&lt;tool_calls&gt;</c>, <c>&lt;tool_call&gt;</c>, <c>&lt;tool_sep&gt;</c>…) are
/// read too, and a bare <c>&lt;tool_calls&gt;</c> holding a JSON array is Hunyuan-A13B's <c>&lt;tool_calls&gt;[{"name", "arguments"}]&lt;/tool_calls&gt;</c>.
/// </summary>
internal static class HunyuanFormat
{
    public const string Suffix = ":opensource";
    public const string Open = "<tool_calls" + Suffix + ">";
    private const string EndOfSentence = "<｜hy_eos" + Suffix + "｜>";
    private static readonly Spelling s_suffixed = new(Suffix);
    private static readonly Spelling s_bare = new("");
    private static readonly string[] s_stops = [EndOfSentence];

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = [EndOfSentence, "<｜hy_Assistant" + Suffix + "｜>"];

    private static readonly JsonCallList s_a13b = new() { Format = ToolCallFormat.Hunyuan, Closer = "</tool_calls>" };

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => s_suffixed.Section());
        b.Reasoning("<think" + Suffix + ">", "</think" + Suffix + ">");
        b.StripInContent(s_suffixed.SectionClose);
        if (b.Format == ToolCallFormat.Hunyuan)
        {
            // The bare spellings are ordinary text to other families (and Hermes' <tool_call> is one of them).
            b.Call(s_bare.SectionOpen, static c => new BareRegion(c));
            b.StripInContent(s_bare.SectionClose, "<answer>", "</answer>");
        }
    }

    /// <summary>One spelling of the Hy3 tags: suffixed with <c>:opensource</c>, or bare.</summary>
    private sealed class Spelling
    {
        private readonly string _callOpen;
        private readonly string[] _callClose;
        private readonly string[] _sectionClose;
        private readonly GlmFormat.PairTags _tags;
        private readonly SectionRegion.CallBounds _calls;

        public Spelling(string suffix)
        {
            string Tag(string name) => "<" + name + suffix + ">";
            SectionOpen = Tag("tool_calls");
            SectionClose = Tag("/tool_calls");
            _callOpen = Tag("tool_call");
            _callClose = [Tag("/tool_call")];
            _sectionClose = [SectionClose];
            // Only the suffixed closer is a special token that argument text cannot hold.
            _calls = new SectionRegion.CallBounds(_callOpen, _callClose, EndAfterLastCall: suffix.Length > 0);
            _tags = new GlmFormat.PairTags(ToolCallFormat.Hunyuan, Tag("arg_key"), Tag("/arg_key"), Tag("arg_value"), Tag("/arg_value"), Tag("tool_call"), Tag("/tool_call"), Tag("tool_sep"));
        }

        public string SectionOpen { get; }

        public string SectionClose { get; }

        public SectionRegion Section() => new(ToolCallFormat.Hunyuan, SectionOpen.Length, _sectionClose, s_stops, ReadSection, SectionRegion.StartsWithMarkup, _calls);

        private void ReadSection(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
            => SectionRegion.ReadCalls(context, body, truncated, raw, _callOpen, _callClose, ReadCall);

        /// <summary>Reads one call (its text from its opener) with GLM's pair reader.</summary>
        private void ReadCall(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        {
            var reader = new GlmFormat.GlmBody(_tags);
            var pos = _callOpen.Length;
            var complete = reader.Scan(raw, ref pos) == RegionStatus.Complete;

            // A call without its closer ended at the next call, the block's end or the end of the output: its text is all
            // there will be, so a call cut inside a name or value is Truncated (never run with what was read).
            reader.Finish(complete ? raw[..pos] : raw, endOfStream: !complete, context);

            // The reader ends a call at its last value when text follows it: inside a block that text is reported, not lost.
            var rest = complete ? raw[pos..] : [];
            if (rest.EndsWith(_callClose[0]))
            {
                rest = rest[..^_callClose[0].Length];
            }

            if (!rest.IsWhiteSpace())
            {
                context.EmitProblem(ToolCallProblemKind.Malformed, "Text inside a tool call that is not an argument.", rest.Trim());
            }
        }
    }

    /// <summary>A bare <c>&lt;tool_calls&gt;</c>: Hy3's tags when markup follows, A13B's JSON array when <c>[</c> does.</summary>
    private sealed class BareRegion(ParseContext context) : CallRegion
    {
        private CallRegion? _inner;

        public override ToolCallFormat Format => ToolCallFormat.Hunyuan;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_inner is null)
            {
                var p = Spans.SkipWhitespace(region, pos);
                if (p >= region.Length)
                {
                    pos = p;
                    return RegionStatus.NeedMore;
                }

                _inner = region[p] == '[' ? new JsonCallListRegion(context, s_a13b, s_bare.SectionOpen.Length) : s_bare.Section();
            }

            return _inner.Scan(region, ref pos);
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_inner is null)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
                return region.Length;
            }

            return _inner.Finish(region, endOfStream, ctx);
        }

        public override void Rebase(int shift) => _inner?.Rebase(shift);

        public override int CommittedEnd => _inner?.CommittedEnd ?? 0;
    }
}
