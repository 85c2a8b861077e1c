namespace ToolLoop.Parsing;

/// <summary>
/// OpenAI gpt-oss "harmony" (formats.md 9.1). The output is a chain of messages, each a header then a body:
/// <c>[&lt;|start|&gt;assistant][ to=RECIPIENT]&lt;|channel|&gt;CHANNEL[ to=RECIPIENT][ [&lt;|constrain|&gt;]TYPE]&lt;|message|&gt;BODY</c>, a body
/// ending at <c>&lt;|end|&gt;</c>, <c>&lt;|call|&gt;</c>, <c>&lt;|return|&gt;</c> or the end of the output. A recipient-less
/// <c>analysis</c> message is reasoning, <c>final</c> and <c>commentary</c> messages are content, and a message addressed
/// to <c>functions.NAME</c> is a call whose body is the JSON arguments. The generation prompt ends with
/// <c>&lt;|start|&gt;assistant</c>, so under this format the output may open with the role header's <c> to=functions.NAME</c>.
/// Every marker is a special token; <c>to=</c>, channel names and content types are ordinary text inside a header.
/// </summary>
internal static class GptOssFormat
{
    public const string Start = "<|start|>";
    public const string Channel = "<|channel|>";
    public const string Message = "<|message|>";
    public const string End = "<|end|>";
    public const string CallEnd = "<|call|>";
    public const string Return = "<|return|>";
    public const string Constrain = "<|constrain|>";
    private const string AnalysisOpen = "<|channel|>analysis<|message|>";
    private const string FunctionsPrefix = "functions.";

    // A header is a handful of short words; anything longer is not one.
    private const int MaxHeader = 512;
    private static readonly string[] s_bodyEnds = [CallEnd, End, Return];
    private static readonly string[] s_bodyStops = [Start, Channel];

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = [End, Return];

    public static void Register(FormatTable.Builder b)
    {
        // llama.cpp's reasoning markers for gpt-oss: the analysis header opens, <|end|> closes; a new message (<|start|>) also ends it.
        b.Reasoning(AnalysisOpen, End);
        b.Call(Channel, static c => new HeaderRegion(c, HeaderRegion.Opening.Channel));
        b.Call(Start, static c => new HeaderRegion(c, HeaderRegion.Opening.Role));
        b.CallEndsReasoning(Start, static c => new HeaderRegion(c, HeaderRegion.Opening.Role));
        b.StripInContent(End, CallEnd, Return, Message, Constrain);
        if (b.Format == ToolCallFormat.GptOss)
        {
            // The prompt ended with "<|start|>assistant": a recipient in the role header opens the output.
            b.AtStart(static c => new HeaderRegion(c, HeaderRegion.Opening.AfterRole));
        }
    }

    /// <summary>One message header (and, for a call, its body).</summary>
    private sealed class HeaderRegion(ParseContext context, HeaderRegion.Opening opening) : CallRegion
    {
        private State _state = opening switch
        {
            Opening.Role => State.Role,
            Opening.Channel => State.ChannelName,
            _ => State.FirstWord,
        };

        private int _wordStart = -1;
        private string? _recipient;
        private string? _channel;
        private string? _role;

        // Whether a header superseded by a later one (see the Channel case of ReadHeaderItem) was written in harmony's words.
        private bool _supersededInVocabulary = true;
        private bool _dropped;
        private int _bodyStart = -1;

        // Where the header that superseded this one starts (see the Channel case of ReadHeaderItem).
        private int _handoff = -1;
        private int _bodyEnd = -1;
        private JsonScanner? _json;
        private bool _textBody;
        private int _jsonScan;
        private int _jsonEnd = -1;

        internal enum Opening
        {
            /// <summary>After <c>&lt;|start|&gt;</c>: a role name comes first.</summary>
            Role,

            /// <summary>After <c>&lt;|channel|&gt;</c>: the channel name comes first.</summary>
            Channel,

            /// <summary>At the start of the output, the prompt's <c>&lt;|start|&gt;assistant</c> already written: only a recipient is read here.</summary>
            AfterRole,
        }

        private enum State
        {
            FirstWord,
            Role,
            ChannelName,
            Header,
            Recipient,
            TypeWord,
            Body,
        }

        public override ToolCallFormat Format => ToolCallFormat.GptOss;

        private int OpenerLength => opening switch
        {
            Opening.Role => Start.Length,
            Opening.Channel => Channel.Length,
            _ => 0,
        };

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            var status = ScanMessage(region, ref pos);

            // A header past MaxHeader is no header, whether the text that passed it came in one piece (and ran to the
            // end of the output) or in many: the limit is checked where the scan stops, not only where it resumes.
            return status == RegionStatus.NeedMore && _state != State.Body && pos - OpenerLength > MaxHeader ? RegionStatus.Reject : status;
        }

        private RegionStatus ScanMessage(ReadOnlySpan<char> region, ref int pos)
        {
            var openerLength = OpenerLength;
            while (true)
            {
                if (_state != State.Body && pos - openerLength > MaxHeader)
                {
                    return RegionStatus.Reject;
                }

                switch (_state)
                {
                    case State.FirstWord:
                        // At the start of the output only " to=RECIPIENT" is this region's; anything else is read as usual.
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        switch (Spans.MatchAt(region, pos, "to="))
                        {
                            case MatchKind.Partial:
                                return RegionStatus.NeedMore;
                            case MatchKind.None:
                                return RegionStatus.Reject;
                        }

                        _state = State.Header;
                        break;

                    case State.Role:
                    case State.ChannelName:
                    case State.Recipient:
                    case State.TypeWord:
                        if (_wordStart < 0)
                        {
                            // A recipient follows "to=" directly; the other words may follow whitespace.
                            pos = _state == State.Recipient ? pos : Spans.SkipWhitespace(region, pos);
                            if (pos >= region.Length)
                            {
                                // Where the word starts is known only once the whitespace has ended: however the text is
                                // chunked, the same word is read.
                                return RegionStatus.NeedMore;
                            }

                            _wordStart = pos;
                        }

                        // A content type is ASCII ([A-Za-z0-9_-]+, formats.md 9.1): other text there is no header's.
                        while (pos < region.Length && (_state == State.TypeWord ? IsTypeChar(region[pos]) : IsWordChar(region[pos])))
                        {
                            pos++;
                        }

                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (pos == _wordStart && _state != State.Role)
                        {
                            return RegionStatus.Reject;
                        }

                        if (_state == State.ChannelName)
                        {
                            _channel = region[_wordStart..pos].ToString();
                        }
                        else if (_state == State.Recipient)
                        {
                            _recipient = region[_wordStart..pos].ToString();
                        }
                        else if (_state == State.Role)
                        {
                            _role = region[_wordStart..pos].ToString();
                        }

                        _wordStart = -1;
                        _state = State.Header;
                        break;

                    case State.Header:
                        pos = Spans.SkipWhitespace(region, pos);
                        if (pos >= region.Length)
                        {
                            return RegionStatus.NeedMore;
                        }

                        if (ReadHeaderItem(region, ref pos) is { } decided)
                        {
                            return decided;
                        }

                        break;

                    case State.Body:
                        return ScanBody(region, ref pos);
                }
            }
        }

        /// <summary>
        /// Reads the header item at <paramref name="pos"/>: returns <see langword="null"/> when one was recognised (state and pos
        /// moved on), NeedMore when a marker is cut by the end of the text (pos unchanged), Complete or Reject when the
        /// header decided the region.
        /// </summary>
        private RegionStatus? ReadHeaderItem(ReadOnlySpan<char> region, ref int pos)
        {
            foreach (var marker in (ReadOnlySpan<string>)["to=", Channel, Constrain, Message])
            {
                switch (Spans.MatchAt(region, pos, marker))
                {
                    case MatchKind.Partial:
                        return RegionStatus.NeedMore;
                    case MatchKind.None:
                        continue;
                }

                var forUser = _recipient is null or "assistant";
                switch (marker)
                {
                    case "to=":
                        _state = State.Recipient;
                        break;

                    case Channel:
                        if (forUser && (_channel is not null || (opening == Opening.Role && _handoff < 0)))
                        {
                            // A role header without a recipient, or a stray "<|channel|>commentary to=assistant" before the real
                            // channel header, is markup only if the header after it is one: it stands or falls with that
                            // header (else its words would vanish while the next header's text stays content). The next
                            // header is read on here; once it is decided, this region ends where it starts and it is read
                            // anew (so that "<|channel|>analysis<|message|>" opens reasoning). MaxHeader bounds the chain.
                            if (_handoff < 0)
                            {
                                _handoff = pos;
                            }

                            _supersededInVocabulary &= InVocabulary(_channel, needsChannel: false);
                            _recipient = null;
                            _channel = null;
                        }

                        _state = State.ChannelName;
                        break;

                    case Constrain:
                        _state = State.TypeWord;
                        break;

                    default:
                        pos += marker.Length;
                        if (_handoff >= 0)
                        {
                            // The header after a superseded one is whole: the superseded one was markup, if both are headers
                            // (the later one is read anew from the handoff, and the superseded one stands or falls with it).
                            if (!_supersededInVocabulary || !InVocabulary(_channel, needsChannel: forUser))
                            {
                                return RegionStatus.Reject;
                            }

                            _dropped = true;
                            pos = _handoff;
                            return RegionStatus.Complete;
                        }

                        if (forUser)
                        {
                            // A message for the user (final, commentary): the header is markup, the body is content. Its
                            // words are dropped, so only harmony's own are: a header with another role or channel, or none,
                            // is text (its words would be lost otherwise).
                            if (!InVocabulary(_channel, needsChannel: true))
                            {
                                return RegionStatus.Reject;
                            }

                            _dropped = true;
                            return RegionStatus.Complete;
                        }

                        // A call's header is dropped too (its body is the arguments): the same words only, the channel optional.
                        if (!InVocabulary(_channel, needsChannel: false))
                        {
                            return RegionStatus.Reject;
                        }

                        _bodyStart = pos;
                        _state = State.Body;
                        return null;
                }

                pos += marker.Length;
                return null;
            }

            if (IsWordChar(region[pos]))
            {
                // A content type written without <|constrain|> (" json").
                _state = State.TypeWord;
                return null;
            }

            return RegionStatus.Reject;
        }

        private RegionStatus ScanBody(ReadOnlySpan<char> region, ref int pos)
        {
            if (_json is null && !_textBody)
            {
                var first = Spans.SkipWhitespace(region, pos);
                if (first >= region.Length)
                {
                    pos = first;
                    return RegionStatus.NeedMore;
                }

                // A JSON body ends with its JSON; any other (a code interpreter's) runs to a terminator.
                if (region[first] == '{')
                {
                    _json = new JsonScanner(context.Options.MaxJsonDepth);
                    _jsonScan = first;
                }
                else
                {
                    _textBody = true;
                }
            }

            if (_jsonEnd >= 0)
            {
                return AfterJson(region, ref pos);
            }

            var earliest = int.MaxValue;
            var length = 0;
            var partial = region.Length;
            foreach (var (markers, consumes) in (ReadOnlySpan<(string[], bool)>)[(s_bodyEnds, true), (s_bodyStops, false)])
            {
                foreach (var m in markers)
                {
                    var at = Spans.Find(region, pos, m);
                    if (at >= 0 && at < earliest)
                    {
                        earliest = at;
                        length = consumes ? m.Length : 0;
                    }
                    else if (at < 0)
                    {
                        partial = Math.Min(partial, -1 - at);
                    }
                }
            }

            if (_json is not null && _json.Feed(region[..Math.Min(earliest, partial)], ref _jsonScan))
            {
                _jsonEnd = _jsonScan;
                return AfterJson(region, ref pos);
            }

            if (earliest != int.MaxValue)
            {
                _bodyEnd = earliest;
                pos = earliest + length;
                return RegionStatus.Complete;
            }

            pos = partial;
            return RegionStatus.NeedMore;
        }

        /// <summary>After a complete JSON body: whitespace, then a terminator; other text ends the call with its JSON.</summary>
        private RegionStatus AfterJson(ReadOnlySpan<char> region, ref int pos)
        {
            // Whitespace already seen is not looked at again.
            var next = pos = Spans.SkipWhitespace(region, Math.Max(pos, _jsonEnd));
            if (next >= region.Length)
            {
                return RegionStatus.NeedMore;
            }

            foreach (var (markers, consumes) in (ReadOnlySpan<(string[], bool)>)[(s_bodyEnds, true), (s_bodyStops, false)])
            {
                foreach (var m in markers)
                {
                    switch (Spans.MatchAt(region, next, m))
                    {
                        case MatchKind.Full:
                            _bodyEnd = _jsonEnd;
                            pos = consumes ? next + m.Length : next;
                            return RegionStatus.Complete;
                        case MatchKind.Partial:
                            return RegionStatus.NeedMore;
                    }
                }
            }

            _bodyEnd = pos = _jsonEnd;
            return RegionStatus.Complete;
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_dropped)
            {
                return region.Length;
            }

            if (_state == State.FirstWord)
            {
                // The output ended before its start could be told apart from text: it is text.
                ctx.EmitContent(region);
                return region.Length;
            }

            if (_bodyStart < 0)
            {
                if (_state == State.Recipient)
                {
                    ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside the recipient of a message header.", region);
                }
                else if (_recipient is not (null or "assistant"))
                {
                    ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a message header.", region, ToolName(_recipient));
                }

                else
                {
                    // A header that addresses no tool, cut by the end of the output: nothing to deliver, but its words
                    // (a channel name being written, say) are reported rather than dropped. A lone opener token is markup.
                    if (!region[Math.Min(OpenerLength, region.Length)..].IsWhiteSpace())
                    {
                        ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a message header.", region);
                    }
                }

                return region.Length;
            }

            var body = region[_bodyStart..(_bodyEnd >= 0 ? _bodyEnd : _jsonEnd >= 0 ? _jsonEnd : region.Length)];
            var consumed = region.Length;
            if (_bodyEnd < 0 && _jsonEnd >= 0)
            {
                // The output ended after the JSON (and whitespace, or a cut terminator): the call is whole.
                consumed = _jsonEnd;
            }
            else if (_bodyEnd < 0)
            {
                // A terminator cut by the end of the output is not argument text.
                body = body[..Spans.WithoutPartialMarker(body, [CallEnd, End, Return, Start, Channel])];

                consumed = _bodyStart + body.Length;
            }

            var raw = region[..consumed];
            if (_recipient!.StartsWith(FunctionsPrefix, StringComparison.Ordinal))
            {
                // A missing <|call|> is normal (it is the stop token): the call is cut only when its JSON is.
                var truncated = _bodyEnd < 0 && endOfStream && !IsCompleteJson(body);
                JsonCalls.EmitArguments(ctx, null, _recipient[FunctionsPrefix.Length..], body, truncated, raw, ToolCallFormat.GptOss);
            }
            else if (ctx.IsDeclared(_recipient))
            {
                JsonCalls.EmitArguments(ctx, null, _recipient, body, _bodyEnd < 0 && endOfStream && !IsCompleteJson(body), raw, ToolCallFormat.GptOss);
            }
            else
            {
                // A built-in tool (browser, python, container) the request did not declare: reported, never run.
                ctx.EmitProblem(ToolCallProblemKind.Malformed, $"The model addressed '{_recipient}', which is not a declared tool.", raw, _recipient, body.ToString());
            }

            return consumed;
        }

        public override void Rebase(int shift)
        {
            _wordStart = Shift(_wordStart, shift);
            _bodyStart = Shift(_bodyStart, shift);
            _handoff = Shift(_handoff, shift);
            _bodyEnd = Shift(_bodyEnd, shift);
            _jsonScan = Shift(_jsonScan, shift);
            _jsonEnd = Shift(_jsonEnd, shift);
        }

        // After a complete JSON body, only whitespace and a terminator can follow.
        public override int CommittedEnd => _jsonEnd > 0 && _bodyEnd < 0 ? _jsonEnd : 0;

        private static string? ToolName(string recipient)
            => recipient.StartsWith(FunctionsPrefix, StringComparison.Ordinal) ? recipient[FunctionsPrefix.Length..] : recipient;

        private bool IsCompleteJson(ReadOnlySpan<char> body)
        {
            var trimmed = body.Trim();
            if (trimmed.IsEmpty)
            {
                return true;
            }

            var scanner = new JsonScanner(context.Options.MaxJsonDepth);
            var p = 0;
            return scanner.Feed(trimmed, ref p) && p == trimmed.Length;
        }

        /// <summary>
        /// Whether the words of a header are harmony's, so that dropping them loses nothing: the role, if written, is
        /// <c>assistant</c>, and the channel (required for a message to the user, optional for a call or a superseded header)
        /// is one of <c>analysis</c>, <c>commentary</c>, <c>final</c>.
        /// </summary>
        private bool InVocabulary(string? channel, bool needsChannel)
            => _role is null or "" or "assistant"
                && (channel is "analysis" or "commentary" or "final" || (channel is null && !needsChannel));

        private static bool IsTypeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

        /// <summary>Characters of a header word: roles, channels, content types and recipients such as <c>functions.get_weather</c>.</summary>
        private static bool IsWordChar(char c) => Spans.IsNameChar(c) || c is ':' or '/';
    }
}
