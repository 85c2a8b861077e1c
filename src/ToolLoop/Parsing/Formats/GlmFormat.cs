namespace ToolLoop.Parsing;

/// <summary>
/// GLM 4.5–4.7: <c>&lt;tool_call&gt;NAME\n&lt;arg_key&gt;K&lt;/arg_key&gt;\n&lt;arg_value&gt;V&lt;/arg_value&gt;\n&lt;/tool_call&gt;</c>
/// (4.7 writes it on one line), values typed by the tool's schema. A value ends at an <c>&lt;/arg_value&gt;</c> followed by the
/// next <c>&lt;arg_key&gt;</c> or <c>&lt;/tool_call&gt;</c>; other <c>&lt;/arg_value&gt;</c> or <c>&lt;/tool_call&gt;</c> text is the value's.
/// </summary>
internal static class GlmFormat
{
    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>): the next turn's openers, before which the assistant's turn ended.</summary>
    public static readonly string[] TurnEnds = ["<|user|>", "<|observation|>"];

    public const string KeyOpen = "<arg_key>";
    public const string KeyClose = "</arg_key>";
    public const string ValueOpen = "<arg_value>";
    public const string ValueClose = "</arg_value>";

    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCallTag.Open, ToolCallTag.Region);
        b.StripInContent(ToolCallTag.Close);
    }

    private enum State
    {
        Name,
        NameEnd,
        Between,
        Key,
        BetweenKeyAndValue,
        Value,
        SeekClose,
    }

    /// <summary>
    /// The tag spellings of a GLM-style body (a name, then key/value pairs): GLM's own, and Hunyuan Hy3's, whose name ends at
    /// a separator tag.
    /// </summary>
    internal sealed record PairTags(ToolCallFormat Format, string KeyOpen, string KeyClose, string ValueOpen, string ValueClose, string CallOpen, string CallClose, string? NameEnd = null)
    {
        public static readonly PairTags Glm = new(ToolCallFormat.Glm, GlmFormat.KeyOpen, GlmFormat.KeyClose, GlmFormat.ValueOpen, GlmFormat.ValueClose, ToolCallTag.Open, ToolCallTag.Close);
    }

    /// <summary>The GLM body, starting at the tool name.</summary>
    internal sealed class GlmBody(PairTags tags) : ToolCallTag.Body
    {
        private readonly List<(int KeyStart, int KeyEnd, int ValueStart, int ValueEnd)> _args = [];
        private State _state;
        private int _nameStart = -1;
        private string? _name;
        private int _keyStart;
        private int _keyEnd;
        private int _valueStart;
        private string? _malformed;
        private int _lastArgEnd;
        private int _closerAt = -1;
        private int _fallback = -1;

        public GlmBody()
            : this(PairTags.Glm)
        {
        }

        public override ToolCallFormat Format => tags.Format;

        public override int CommittedEnd => _state == State.Between && _args.Count > 0 ? _lastArgEnd
            : _state == State.Value && ClosedAt >= 0 ? ClosedAt + tags.ValueClose.Length
            : 0;

        /// <summary>
        /// Gets where the open value ends if no confirmed closer comes: at the candidate <c>&lt;/arg_value&gt;</c> followed so
        /// far only by whitespace, else at the first candidate that was followed by other text (the value ended there and
        /// what followed is output text), else -1.
        /// </summary>
        private int ClosedAt => _closerAt >= 0 ? _closerAt : _fallback;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_nameStart < 0)
            {
                _nameStart = pos;
            }

            while (true)
            {
                switch (_state)
                {
                    case State.Name:
                        // The dispatcher saw the whole name and what follows it.
                        while (pos < region.Length && Spans.IsNameChar(region[pos]))
                        {
                            pos++;
                        }

                        _name = region[_nameStart..pos].ToString();
                        _state = tags.NameEnd is null ? State.Between : State.NameEnd;
                        break;

                    case State.NameEnd:
                        // Hunyuan: NAME<tool_sep…>.
                        switch (pos >= region.Length ? MatchKind.Partial : Spans.MatchAt(region, pos, tags.NameEnd!))
                        {
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                            case MatchKind.None:
                                return Malformed("the tool name is not followed by " + tags.NameEnd, region, ref pos);
                        }

                        pos += tags.NameEnd!.Length;
                        _state = State.Between;
                        break;

                    case State.Between:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        var k = Spans.MatchAt(region, pos, tags.KeyOpen);
                        var c = Spans.MatchAt(region, pos, tags.CallClose);
                        if (k == MatchKind.Full)
                        {
                            pos += tags.KeyOpen.Length;
                            _keyStart = pos;
                            _state = State.Key;
                        }
                        else if (c == MatchKind.Full)
                        {
                            pos += tags.CallClose.Length;
                            return RegionStatus.Complete;
                        }
                        else if (k == MatchKind.Partial || c == MatchKind.Partial)
                        {
                            return RegionStatus.NeedMore;
                        }
                        else if (_args.Count > 0)
                        {
                            // </tool_call> missing after complete arguments: the call ends with its last value.
                            pos = _lastArgEnd;
                            return RegionStatus.Complete;
                        }
                        else
                        {
                            return Malformed("unexpected text between arguments", region, ref pos);
                        }

                        break;

                    case State.Key:
                        var keyEnd = Spans.Find(region, pos, tags.KeyClose);
                        if (keyEnd < 0)
                        {
                            pos = -1 - keyEnd;
                            return RegionStatus.NeedMore;
                        }

                        _keyEnd = keyEnd;
                        pos = keyEnd + tags.KeyClose.Length;
                        _state = State.BetweenKeyAndValue;
                        break;

                    case State.BetweenKeyAndValue:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        switch (Spans.MatchAt(region, pos, tags.ValueOpen))
                        {
                            case MatchKind.Full:
                                pos += tags.ValueOpen.Length;
                                _valueStart = pos;
                                _state = State.Value;
                                break;
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                            default:
                                return Malformed("an <arg_key> is not followed by <arg_value>", region, ref pos);
                        }

                        break;

                    case State.Value:
                        if (!FindValueEnd(region, ref pos, out var valueEnd))
                        {
                            return RegionStatus.NeedMore;
                        }

                        _args.Add((_keyStart, _keyEnd, _valueStart, valueEnd));
                        pos = valueEnd + tags.ValueClose.Length;
                        _lastArgEnd = pos;
                        _state = State.Between;
                        break;

                    case State.SeekClose:
                        var at = Spans.Find(region, pos, tags.CallClose);
                        if (at < 0)
                        {
                            pos = -1 - at;
                            return RegionStatus.NeedMore;
                        }

                        pos = at + tags.CallClose.Length;
                        return RegionStatus.Complete;
                }
            }
        }

        /// <summary>
        /// A value ends at a <c>&lt;/arg_value&gt;</c> that the structure confirms: followed, after optional whitespace, by
        /// the next <c>&lt;arg_key&gt;</c> or by <c>&lt;/tool_call&gt;</c> (or, at the end of the output, by nothing). Any other
        /// <c>&lt;/arg_value&gt;</c> is the value's own text. A candidate waiting for what follows is kept in
        /// <c>_closerAt</c>, and the whitespace after it is not read again.
        /// </summary>
        private bool FindValueEnd(ReadOnlySpan<char> region, ref int pos, out int valueEnd)
        {
            valueEnd = -1;
            while (true)
            {
                if (_closerAt >= 0)
                {
                    var next = Spans.SkipWhitespace(region, pos);
                    if (next >= region.Length)
                    {
                        pos = next;
                        return false;
                    }

                    var tag = Spans.MatchAny(region, next, tags.KeyOpen, tags.CallClose, tags.CallOpen);
                    if (tag == MatchKind.Full)
                    {
                        valueEnd = _closerAt;
                        _closerAt = _fallback = -1;
                        return true;
                    }

                    if (tag == MatchKind.Partial)
                    {
                        pos = next;
                        return false;
                    }

                    // Not structure: the </arg_value> is the value's own text if a confirmed closer comes later;
                    // otherwise the first such one ended the value (see ClosedAt).
                    if (_fallback < 0)
                    {
                        _fallback = _closerAt;
                    }

                    pos = _closerAt + 1;
                    _closerAt = -1;
                }

                var at = Spans.Find(region, pos, tags.ValueClose);
                if (at < 0)
                {
                    pos = -1 - at;
                    return false;
                }

                _closerAt = at;
                pos = at + tags.ValueClose.Length;
            }
        }

        public override void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_malformed is not null)
            {
                ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + _malformed + ".", region, _name);
                return;
            }

            var healed = false;
            var rest = -1;
            if (_state == State.Value && ClosedAt >= 0)
            {
                // The value was closed (only </tool_call> is missing); text after an unconfirmed closer is output text.
                // Healed only when the output ended in the call (only whitespace after the closer): when text follows,
                // that text ended the call, as text after a call ends a section, and it is not healed. So the flag does
                // not depend on whether that text outgrew MaxToolCallBytes (which ends the region at the closer).
                _args.Add((_keyStart, _keyEnd, _valueStart, ClosedAt));
                rest = _closerAt < 0 ? _fallback + tags.ValueClose.Length : -1;
                healed = endOfStream && _closerAt >= 0;
                _state = State.Between;
            }
            else if (endOfStream)
            {
                switch (_state)
                {
                    case State.Key:
                    case State.BetweenKeyAndValue:
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside an argument name.", region, _name);
                        return;
                    case State.Value:
                        // Cut inside a value: it may be incomplete, so the call is not run.
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the value of argument '" + region[_keyStart.._keyEnd].Trim().ToString() + "'; the call is not run.", region, _name, RawArguments(region));
                        return;
                    case State.Name or State.NameEnd:
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the tool name.", region);
                        return;
                    default:
                        healed = true;
                        break;
                }
            }

            if (string.IsNullOrEmpty(_name))
            {
                ctx.EmitProblem(ToolCallProblemKind.Malformed, "The tool call has no name.", region);
                return;
            }

            TaggedValues.EmitCall(ctx, rest < 0 ? region : region[..rest], _name, _args, healed, tags.Format);
            if (rest >= 0)
            {
                ctx.EmitContent(region[rest..]);
            }
        }

        /// <summary>The arguments' text as written, from the first <c>&lt;arg_key&gt;</c> (for a problem's raw arguments).</summary>
        private string? RawArguments(ReadOnlySpan<char> region)
        {
            var first = (_args.Count > 0 ? _args[0].KeyStart : _keyStart) - tags.KeyOpen.Length;
            return first >= 0 && first < region.Length ? region[first..].ToString() : null;
        }

        public override void Rebase(int shift)
        {
            _nameStart = CallRegion.Shift(_nameStart, shift);
            _keyStart = CallRegion.Shift(_keyStart, shift);
            _keyEnd = CallRegion.Shift(_keyEnd, shift);
            _valueStart = CallRegion.Shift(_valueStart, shift);
            _lastArgEnd = CallRegion.Shift(_lastArgEnd, shift);
            _closerAt = CallRegion.Shift(_closerAt, shift);
            _fallback = CallRegion.Shift(_fallback, shift);
            _args.Clear();
        }

        private RegionStatus Malformed(string why, ReadOnlySpan<char> region, ref int pos)
        {
            _malformed ??= why;
            _state = State.SeekClose;
            return Scan(region, ref pos);
        }
    }
}
