namespace ToolLoop.Parsing;

/// <summary>
/// Qwen3-Coder / Qwen3.5 XML: <c>&lt;tool_call&gt;\n&lt;function=NAME&gt;\n&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;\n&lt;/function&gt;\n&lt;/tool_call&gt;</c>,
/// values typed by the tool's schema. The call opener also ends an unclosed think block. A bare <c>&lt;function=NAME&gt;</c>
/// (no <c>&lt;tool_call&gt;</c>) is accepted for a declared tool as the first call; <c>&lt;function=NAME&gt;{json}&lt;/function&gt;</c>
/// (Llama 3.1's custom-tool style) is read by the same region.
/// </summary>
internal static class Qwen3CoderFormat
{
    public const string FunctionOpen = "<function=";
    public const string FunctionClose = "</function>";
    public const string ParameterOpen = "<parameter=";
    public const string ParameterClose = "</parameter>";

    public static void Register(FormatTable.Builder b)
    {
        b.Call(ToolCallTag.Open, ToolCallTag.Region);
        b.CallEndsReasoning(ToolCallTag.Open, ToolCallTag.Region, lookahead: FunctionOpen);
        b.Call(FunctionOpen, static c => new FunctionTagRegion(c));
        b.StripInContent(ToolCallTag.Close);
    }

    private enum State
    {
        FunctionName,
        Between,
        ParameterName,
        ParameterValueStart,
        ParameterValue,
        JsonArguments,
        AfterJsonArguments,
        AfterFunction,
        SeekClose,
    }

    /// <summary>
    /// What differs between the families that write <c>&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;&lt;/function&gt;</c>: the
    /// wrapper's closer, whether values are raw (Seed-OSS: no structural newline around a value, so a trailing newline is
    /// data; its template writes non-string values with Python's <c>str()</c>, so Python literals are read for objects and
    /// arrays), and the family calls are attributed to (a bare call with JSON arguments is Llama 3.1's custom-tool style).
    /// </summary>
    internal sealed record XmlDialect(ToolCallFormat Format, string WrapperClose, bool RawValues, ToolCallFormat BareJsonFormat)
    {
        public static readonly XmlDialect Qwen3Coder = new(ToolCallFormat.Qwen3Coder, ToolCallTag.Close, RawValues: false, ToolCallFormat.Llama3);
    }

    /// <summary>Scans <c>&lt;function=…&gt;…&lt;/function&gt;</c> and, inside <c>&lt;tool_call&gt;</c>, the closing <c>&lt;/tool_call&gt;</c>.</summary>
    internal sealed class XmlBody : ToolCallTag.Body
    {
        private const int MaxNameLength = 256;
        private readonly ParseContext _context;
        private readonly bool _requireToolCallClose;
        private readonly XmlDialect _dialect;
        private readonly List<(int NameStart, int NameEnd, int ValueStart, int ValueEnd)> _params = [];
        private readonly JsonScanner _json;
        private State _state;
        private bool _started;
        private int _nameStart;
        private int _nameEnd = -1;
        private int _count;
        private int _paramNameStart;
        private int _paramNameEnd;
        private int _valueStart;
        private int _jsonStart;
        private int _jsonEnd;
        private int _afterFunction = -1;
        private int _closerAt = -1;
        private bool _compact;
        private string? _malformed;

        public XmlBody(ParseContext context, bool requireToolCallClose, XmlDialect? dialect = null)
        {
            _context = context;
            _requireToolCallClose = requireToolCallClose;
            _dialect = dialect ?? XmlDialect.Qwen3Coder;
            _json = new JsonScanner(context.Options.MaxJsonDepth);
        }

        public override ToolCallFormat Format => _json.Started && !_requireToolCallClose ? JsonFormat : _dialect.Format;

        /// <summary>Gets the function name once read, for the bare-function gate.</summary>
        public string? Name { get; private set; }

        /// <summary>Starts the body just after <c>&lt;function=</c> (the bare form).</summary>
        public void StartAfterOpener(int pos)
        {
            _started = true;
            _nameStart = pos;
            _state = State.FunctionName;
        }

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (!_started)
            {
                StartAfterOpener(pos + FunctionOpen.Length);
                pos = _nameStart;
            }

            while (true)
            {
                switch (_state)
                {
                    case State.FunctionName:
                        while (pos < region.Length && region[pos] != '>')
                        {
                            if (region[pos] is '\n' or '<' || ++_count > MaxNameLength)
                            {
                                return Malformed("the function name is not closed by '>'", region, ref pos);
                            }

                            pos++;
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        _nameEnd = pos;
                        Name = region[_nameStart.._nameEnd].Trim().ToString();
                        pos++;
                        _state = State.Between;
                        break;

                    case State.Between:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (region[pos] == '{' && _params.Count == 0 && !_json.Started)
                        {
                            _jsonStart = pos;
                            _state = State.JsonArguments;
                            break;
                        }

                        if (region[pos] != '<')
                        {
                            return Malformed("text between parameters", region, ref pos);
                        }

                        var p = Spans.MatchAt(region, pos, ParameterOpen);
                        var f = Spans.MatchAt(region, pos, FunctionClose);
                        var t = Spans.MatchAt(region, pos, _dialect.WrapperClose);
                        if (p == MatchKind.Full)
                        {
                            pos += ParameterOpen.Length;
                            _paramNameStart = pos;
                            _count = 0;
                            _state = State.ParameterName;
                        }
                        else if (f == MatchKind.Full)
                        {
                            pos += FunctionClose.Length;
                            _state = State.AfterFunction;
                        }
                        else if (t == MatchKind.Full)
                        {
                            // </function> missing: the call still ends here.
                            pos += _dialect.WrapperClose.Length;
                            return RegionStatus.Complete;
                        }
                        else if (p == MatchKind.Partial || f == MatchKind.Partial || t == MatchKind.Partial)
                        {
                            return RegionStatus.NeedMore;
                        }
                        else
                        {
                            return Malformed("unexpected markup between parameters", region, ref pos);
                        }

                        break;

                    case State.ParameterName:
                        while (pos < region.Length && region[pos] != '>')
                        {
                            if (region[pos] == '\n' || ++_count > MaxNameLength)
                            {
                                return Malformed("a parameter name is not closed by '>'", region, ref pos);
                            }

                            pos++;
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        _paramNameEnd = pos;
                        pos++;
                        _state = State.ParameterValueStart;
                        break;

                    case State.ParameterValueStart:
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        // Exactly one newline after '>' is structure; indentation after it is value. Without it the
                        // value is written compactly, which changes how it may end (see FindValueEnd).
                        // Raw values (Seed-OSS) have no structural newline at all: written as compact ones.
                        _compact = _dialect.RawValues || region[pos] != '\n';
                        if (!_compact)
                        {
                            pos++;
                        }

                        _valueStart = pos;
                        _state = State.ParameterValue;
                        break;

                    case State.ParameterValue:
                        if (!FindValueEnd(region, ref pos, out var valueEnd))
                        {
                            return RegionStatus.NeedMore;
                        }

                        _params.Add((_paramNameStart, _paramNameEnd, _valueStart, valueEnd));
                        _state = State.Between;
                        break;

                    case State.JsonArguments:
                        if (!_json.Feed(region, ref pos))
                        {
                            return RegionStatus.NeedMore;
                        }

                        _jsonEnd = pos;
                        _state = State.AfterJsonArguments;
                        break;

                    case State.AfterJsonArguments:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        switch (Spans.MatchAt(region, pos, FunctionClose))
                        {
                            case MatchKind.Full:
                                pos += FunctionClose.Length;
                                _state = State.AfterFunction;
                                break;
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                            default:
                                return Malformed("the JSON arguments are not followed by </function>", region, ref pos);
                        }

                        break;

                    case State.AfterFunction:
                        // Whether </tool_call> follows is unknown until non-whitespace arrives (even for the bare form,
                        // or the result would depend on where the output was chunked); whitespace is not re-read.
                        if (_afterFunction < 0)
                        {
                            _afterFunction = pos;
                        }

                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        switch (Spans.MatchAt(region, pos, _dialect.WrapperClose))
                        {
                            case MatchKind.Full:
                                pos += _dialect.WrapperClose.Length;
                                return RegionStatus.Complete;
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                        }

                        // No </tool_call>: the call ends after </function>.
                        pos = _afterFunction;
                        return RegionStatus.Complete;

                    case State.SeekClose:
                        return SeekClose(region, ref pos);
                }
            }
        }

        /// <summary>
        /// Finds where the current value ends. A value written in the template's form (a newline after
        /// <c>&lt;parameter=KEY&gt;</c>) ends at the first <c>\n&lt;/parameter&gt;</c>, or at a <c>&lt;/parameter&gt;</c>
        /// followed by a newline and the next tag (<c>&lt;parameter=</c>, <c>&lt;/function&gt;</c>, <c>&lt;/tool_call&gt;</c>).
        /// A value written compactly (no newline after the tag) ends at a <c>&lt;/parameter&gt;</c> followed, after optional
        /// whitespace, by the next tag, or at a <c>&lt;parameter=NAME&gt;</c> that starts while it has no closer (the closer
        /// was dropped). Any other <c>&lt;/parameter&gt;</c>, <c>&lt;/function&gt;</c> or <c>&lt;function=…&gt;</c> is the value's
        /// own text. A candidate closer waiting for what follows it is kept in <c>_closerAt</c>, and the whitespace after
        /// it is not read again. At the end of the output a candidate followed only by whitespace closes the value.
        /// </summary>
        private bool FindValueEnd(ReadOnlySpan<char> region, ref int pos, out int valueEnd)
        {
            valueEnd = -1;
            while (true)
            {
                if (_closerAt >= 0)
                {
                    // A </parameter> was seen; the text after it decides.
                    var next = Spans.SkipWhitespace(region, pos);
                    if (next >= region.Length)
                    {
                        pos = next;
                        return false;
                    }

                    var tag = Spans.MatchAny(region, next, ParameterOpen, FunctionClose, _dialect.WrapperClose);
                    // The template's form needs a newline before the next tag, so that "</parameter></function>" text
                    // in its values stays text.
                    var structural = _compact || region[(_closerAt + ParameterClose.Length)..next].Contains('\n');
                    if (structural && tag == MatchKind.Full)
                    {
                        valueEnd = _closerAt;
                        pos = _closerAt + ParameterClose.Length;
                        _closerAt = -1;
                        return true;
                    }

                    if (structural && tag == MatchKind.Partial)
                    {
                        pos = next;
                        return false;
                    }

                    // Not structure: the </parameter> is the value's own text.
                    pos = _closerAt + 1;
                    _closerAt = -1;
                }

                var lt = region[pos..].IndexOf('<');
                if (lt < 0)
                {
                    // Keep a trailing newline unexamined: it may be the start of "\n</parameter>".
                    pos = region.Length > _valueStart && region[^1] == '\n' ? region.Length - 1 : region.Length;
                    return false;
                }

                var at = pos + lt;
                var close = Spans.MatchAt(region, at, ParameterClose);
                var open = _compact ? Spans.MatchAt(region, at, ParameterOpen) : MatchKind.None;
                if (close == MatchKind.Partial || open == MatchKind.Partial)
                {
                    pos = at > _valueStart && region[at - 1] == '\n' ? at - 1 : at;
                    return false;
                }

                if (close == MatchKind.Full)
                {
                    if (at > _valueStart && region[at - 1] == '\n' && !_dialect.RawValues)
                    {
                        valueEnd = at - 1;
                        pos = at + ParameterClose.Length;
                        return true;
                    }

                    _closerAt = at;
                    pos = at + ParameterClose.Length;
                    continue;
                }

                if (open == MatchKind.Full && _compact)
                {
                    // <parameter=NAME> while this value is open: the closer was dropped. A name that is not closed by
                    // '>' makes it text.
                    var nameEnd = at + ParameterOpen.Length;
                    while (nameEnd < region.Length && region[nameEnd] is not ('>' or '\n' or '<') && nameEnd - at < MaxNameLength)
                    {
                        nameEnd++;
                    }

                    if (nameEnd >= region.Length)
                    {
                        pos = at > _valueStart && region[at - 1] == '\n' ? at - 1 : at;
                        return false;
                    }

                    if (region[nameEnd] == '>' && nameEnd > at + ParameterOpen.Length)
                    {
                        valueEnd = at > _valueStart && region[at - 1] == '\n' && !_dialect.RawValues ? at - 1 : at;
                        pos = at;
                        return true;
                    }
                }

                pos = at + 1;
            }
        }

        /// <summary>
        /// At the end of the output inside a value: the value is complete when a <c>&lt;/parameter&gt;</c> followed by
        /// nothing but whitespace closed it, otherwise it was cut.
        /// </summary>
        private bool ValueClosedAtEnd(out int valueEnd)
        {
            valueEnd = _closerAt;
            return _closerAt >= 0;
        }

        public bool IsMalformed => _malformed is not null;

        /// <summary>Gets where the call ended when the output stopped after <c>&lt;/function&gt;</c> of the bare form (what follows is output text), otherwise -1.</summary>
        public int BareEnd => !_requireToolCallClose && _state == State.AfterFunction ? _afterFunction : -1;

        private RegionStatus Malformed(string why, ReadOnlySpan<char> region, ref int pos)
        {
            if (!_requireToolCallClose && Name is null)
            {
                // A bare <function= whose name does not close is prose: no closer is sought for it.
                _malformed ??= why;
                return RegionStatus.Reject;
            }

            _malformed ??= why;
            _state = State.SeekClose;
            return SeekClose(region, ref pos);
        }

        private RegionStatus SeekClose(ReadOnlySpan<char> region, ref int pos)
        {
            var close = _requireToolCallClose ? _dialect.WrapperClose : FunctionClose;
            var at = Spans.Find(region, pos, close);
            if (at < 0)
            {
                pos = -1 - at;
                return RegionStatus.NeedMore;
            }

            pos = at + close.Length;
            return RegionStatus.Complete;
        }

        public override void Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context)
        {
            if (_malformed is not null)
            {
                context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + _malformed + ".", region, Name);
                return;
            }

            var healed = false;
            if (endOfStream)
            {
                switch (_state)
                {
                    case State.FunctionName or State.ParameterName:
                        context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a tool-call tag.", region, Name);
                        return;
                    case State.ParameterValue when ValueClosedAtEnd(out var closedAt):
                        // The value was closed; only </function> (and </tool_call>) were missing.
                        _params.Add((_paramNameStart, _paramNameEnd, _valueStart, closedAt));
                        healed = true;
                        break;
                    case State.ParameterValueStart or State.ParameterValue:
                        // Cut inside a value (or before it): the value may be incomplete, so the call is not run.
                        context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the value of parameter '" + region[_paramNameStart.._paramNameEnd].ToString() + "'; the call is not run.", region, Name, RawParameters(region));
                        return;
                    case State.JsonArguments:
                        JsonCalls.EmitArguments(context, null, Name ?? string.Empty, region[_jsonStart..], cut: true, region, JsonFormat);
                        return;
                    case State.AfterFunction when !_requireToolCallClose:
                        // A bare <function=…>…</function> is complete: no </tool_call> was expected.
                        break;
                    case State.Between or State.AfterFunction or State.AfterJsonArguments:
                        healed = true;
                        break;
                }
            }

            if (Name is null || Name.Length == 0)
            {
                context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call has no function name.", region);
                return;
            }

            if (_json.Started)
            {
                JsonCalls.EmitArguments(context, null, Name, region[_jsonStart.._jsonEnd], cut: healed, region, JsonFormat);
                return;
            }

            TaggedValues.EmitCall(context, region, Name, _params, healed, _dialect.Format, _dialect.RawValues);
        }

        // After </function>, only whitespace and an optional </tool_call> can follow.
        public override int CommittedEnd => _state == State.AfterFunction && _afterFunction > 0 ? _afterFunction : 0;

        public override void Rebase(int shift)
        {
            _nameStart = CallRegion.Shift(_nameStart, shift);
            _nameEnd = CallRegion.Shift(_nameEnd, shift);
            _paramNameStart = CallRegion.Shift(_paramNameStart, shift);
            _paramNameEnd = CallRegion.Shift(_paramNameEnd, shift);
            _valueStart = CallRegion.Shift(_valueStart, shift);
            _jsonStart = CallRegion.Shift(_jsonStart, shift);
            _jsonEnd = CallRegion.Shift(_jsonEnd, shift);
            _afterFunction = CallRegion.Shift(_afterFunction, shift);
            _closerAt = CallRegion.Shift(_closerAt, shift);
            _params.Clear();
        }

        private ToolCallFormat JsonFormat => _requireToolCallClose ? _dialect.Format : _dialect.BareJsonFormat;

        /// <summary>The parameters' text as written, from the first <c>&lt;parameter=</c> (for a problem's raw arguments).</summary>
        private string? RawParameters(ReadOnlySpan<char> region)
        {
            var first = _params.Count > 0 ? _params[0].NameStart : _paramNameStart;
            first -= ParameterOpen.Length;
            return first >= 0 && first < region.Length ? region[first..].ToString() : null;
        }
    }

    /// <summary>A bare <c>&lt;function=NAME&gt;</c> call, accepted only for a declared tool.</summary>
    internal sealed class FunctionTagRegion : CallRegion
    {
        private readonly XmlBody _body;
        private readonly ParseContext _context;
        private bool _checked;

        public FunctionTagRegion(ParseContext context, XmlDialect? dialect = null)
        {
            _context = context;
            _body = new XmlBody(context, requireToolCallClose: false, dialect);
        }

        public override ToolCallFormat Format => _body.Format;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (!_checked && pos == FunctionOpen.Length)
            {
                _body.StartAfterOpener(pos);
            }

            var status = _body.Scan(region, ref pos);

            // The name is checked before malformed markup after it: one scan may read both, or a later chunk may
            // bring the markup, and the outcome must not depend on which.
            if (!_checked && _body.Name is not null)
            {
                // Bare '<function' also starts C++ '#include <functional>' and prose: only declared tools count.
                if (!_context.IsDeclared(_body.Name))
                {
                    return RegionStatus.Reject;
                }

                _checked = true;
            }

            if (!_checked && _body.IsMalformed)
            {
                return RegionStatus.Reject;
            }

            return !_checked && status == RegionStatus.Complete ? RegionStatus.Reject : status;
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext context)
        {
            if (!_checked)
            {
                // The output ended before the name could be checked: the text was not a call.
                context.EmitContent(region);
                return region.Length;
            }

            var end = endOfStream ? _body.BareEnd : -1;
            if (end >= 0)
            {
                // The output ended after </function> (perhaps with a cut </tool_call>): the rest is output text.
                _body.Finish(region[..end], endOfStream: false, context);
                return end;
            }

            _body.Finish(region, endOfStream, context);
            return region.Length;
        }

        public override void Rebase(int shift) => _body.Rebase(shift);

        public override int CommittedEnd => _checked ? _body.CommittedEnd : 0;
    }
}
