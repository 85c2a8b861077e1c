namespace ToolLoop.Parsing;

/// <summary>
/// ByteDance Seed-OSS (formats.md 9.3): <c>&lt;seed:tool_call&gt;&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;&lt;/function&gt;&lt;/seed:tool_call&gt;</c>,
/// one block per call, read by Qwen3-Coder's XML reader with raw values (no structural newline around a value: a trailing
/// newline is data, as llama.cpp's test keeps it) typed by the tool's schema; a bare <c>&lt;function=NAME&gt;</c> is read for a
/// declared tool. Reasoning is <c>&lt;seed:think&gt;</c>…<c>&lt;/seed:think&gt;</c>, its budget notes kept as reasoning text.
/// </summary>
internal static class SeedOssFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = ["<seed:eos>"];

    public const string Open = "<seed:tool_call>";
    private const string Close = "</seed:tool_call>";
    private static readonly Qwen3CoderFormat.XmlDialect s_dialect = new(ToolCallFormat.SeedOss, Close, RawValues: true, ToolCallFormat.SeedOss);

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new SeedToolCallRegion(c));
        b.Reasoning("<seed:think>", "</seed:think>");
        b.StripInContent(Close);
        if (b.Format == ToolCallFormat.SeedOss)
        {
            // <function=…> is ordinary text to other families; Hermes and Llama 3 read it their own way.
            b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c, s_dialect));
            b.StripInContent(Qwen3CoderFormat.FunctionClose);
        }
    }

    /// <summary><c>&lt;seed:tool_call&gt;</c> then one <c>&lt;function=…&gt;</c> call.</summary>
    private sealed class SeedToolCallRegion(ParseContext context) : CallRegion
    {
        private Qwen3CoderFormat.XmlBody? _body;

        public override ToolCallFormat Format => ToolCallFormat.SeedOss;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_body is null)
            {
                pos = Spans.SkipWhitespace(region, pos);
                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                switch (Spans.MatchAt(region, pos, Qwen3CoderFormat.FunctionOpen))
                {
                    case MatchKind.Partial:
                        return RegionStatus.NeedMore;
                    case MatchKind.None:
                        // The opener spelled in prose: no function follows it.
                        return RegionStatus.Reject;
                }

                _body = new Qwen3CoderFormat.XmlBody(context, requireToolCallClose: true, dialect: s_dialect);
            }

            return _body.Scan(region, ref pos);
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_body is null)
            {
                ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
                return region.Length;
            }

            _body.Finish(region, endOfStream, ctx);
            return region.Length;
        }

        public override void Rebase(int shift) => _body?.Rebase(shift);

        public override int CommittedEnd => _body?.CommittedEnd ?? 0;
    }
}
