namespace ToolLoop.Parsing;

/// <summary>
/// The <c>&lt;tool_call&gt;</c> opener shared by Hermes, Qwen3-Coder and GLM (and Granite's array form). One opener,
/// several grammars: the region dispatches on what follows it (formats.md rule 0.9), whatever the format, so a model
/// answering in a sibling family's body is still read.
/// </summary>
internal static class ToolCallTag
{
    public const string Open = "<tool_call>";
    public const string Close = "</tool_call>";

    /// <summary>Makes the region for one <c>&lt;tool_call&gt;</c> opener.</summary>
    public static CallRegion Region(ParseContext context) => new ToolCallTagRegion(context);

    /// <summary>A body grammar inside <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c>.</summary>
    internal abstract class Body
    {
        public abstract ToolCallFormat Format { get; }

        /// <summary>Scans the body; Complete leaves pos at the region end (closer consumed, or before the next opener).</summary>
        public abstract RegionStatus Scan(ReadOnlySpan<char> region, ref int pos);

        public abstract void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context);

        /// <summary>See <see cref="CallRegion.Rebase"/>.</summary>
        public abstract void Rebase(int shift);

        /// <summary>See <see cref="CallRegion.CommittedEnd"/>.</summary>
        public virtual int CommittedEnd => 0;
    }

    /// <summary>The <c>&lt;tool_call&gt;</c> region: picks JSON, Qwen3-Coder XML or GLM by the first characters of the body.</summary>
    private sealed class ToolCallTagRegion(ParseContext context) : CallRegion
    {
        private const int MaxGlmName = 128;
        private Body? _body;
        private int _nameLength;

        public override ToolCallFormat Format => _body?.Format ?? ToolCallFormat.Hermes;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_body is null)
            {
                var status = Dispatch(region, ref pos);
                if (status != RegionStatus.Complete)
                {
                    return status;
                }
            }

            return _body!.Scan(region, ref pos);
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_body is null)
            {
                // The output ended before the body could be told apart (whitespace, or a GLM name being read).
                if (endOfStream)
                {
                    ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended right after a tool-call opener.", region);
                }
                else
                {
                    ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call is empty.", region);
                }

                return region.Length;
            }

            _body.Finish(region, endOfStream, ctx);
            return region.Length;
        }

        public override void Rebase(int shift) => _body?.Rebase(shift);

        public override int CommittedEnd => _body?.CommittedEnd ?? 0;

        /// <summary>Chooses the body grammar. Returns Complete when chosen (pos where the body starts), NeedMore or Reject otherwise.</summary>
        private RegionStatus Dispatch(ReadOnlySpan<char> region, ref int pos)
        {
            if (_nameLength == 0)
            {
                pos = Spans.SkipWhitespace(region, pos);
                if (pos >= region.Length)
                {
                    return RegionStatus.NeedMore;
                }

                var c = region[pos];
                if (c is '{' or '[')
                {
                    _body = new HermesFormat.JsonBody(context);
                    return RegionStatus.Complete;
                }

                if (c == '<')
                {
                    var function = Spans.MatchAt(region, pos, Qwen3CoderFormat.FunctionOpen);
                    var close = Spans.MatchAt(region, pos, Close);
                    if (function == MatchKind.Full)
                    {
                        _body = new Qwen3CoderFormat.XmlBody(context, requireToolCallClose: true);
                        return RegionStatus.Complete;
                    }

                    if (close == MatchKind.Full)
                    {
                        pos += Close.Length;
                        _body = new EmptyBody();
                        return RegionStatus.Complete;
                    }

                    return function == MatchKind.Partial || close == MatchKind.Partial ? RegionStatus.NeedMore : RegionStatus.Reject;
                }
            }

            // GLM: a name, then a newline, <arg_key> or </tool_call>. Anything else (a space, a backtick) is prose.
            while (pos < region.Length && Spans.IsNameChar(region[pos]))
            {
                pos++;
                if (++_nameLength > MaxGlmName)
                {
                    return RegionStatus.Reject;
                }
            }

            if (_nameLength == 0)
            {
                return RegionStatus.Reject;
            }

            if (pos >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            var key = Spans.MatchAt(region, pos, GlmFormat.KeyOpen);
            var closer = Spans.MatchAt(region, pos, Close);
            if (region[pos] is '\n' or '\r' || key == MatchKind.Full || closer == MatchKind.Full)
            {
                // Re-read the name in the GLM body (at most MaxGlmName characters again).
                pos = Math.Max(0, pos - _nameLength);
                _body = new GlmFormat.GlmBody();
                return RegionStatus.Complete;
            }

            return key == MatchKind.Partial || closer == MatchKind.Partial ? RegionStatus.NeedMore : RegionStatus.Reject;
        }
    }

    /// <summary><c>&lt;tool_call&gt;&lt;/tool_call&gt;</c>: nothing to read.</summary>
    private sealed class EmptyBody : Body
    {
        public override ToolCallFormat Format => ToolCallFormat.Hermes;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos) => RegionStatus.Complete;

        public override void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context)
            => context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call is empty.", region);

        public override void Rebase(int shift)
        {
        }
    }

}
