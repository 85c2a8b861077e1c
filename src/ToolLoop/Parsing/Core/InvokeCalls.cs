namespace ToolLoop.Parsing;

/// <summary>
/// Reads the body of an invoke block, shared by MiniMax M2 and DeepSeek's DSML (formats.md 9.2, 6.1):
/// <c>&lt;invoke name="NAME"&gt; &lt;parameter name="KEY"[ string="true|false"]&gt;VALUE&lt;/parameter&gt; … &lt;/invoke&gt;</c>, one or more, where
/// every tag name may carry a family piece after <c>&lt;</c> / <c>&lt;/</c> (DSML's <c>｜DSML｜</c>; forms without it are
/// accepted too, as SGLang does). Values are raw text typed by the <c>string</c> attribute when present, otherwise by the
/// tool's schema (<see cref="TaggedValues"/>). The body is read once, when the block is complete.
/// </summary>
internal sealed class InvokeCalls
{
    private const int MaxTag = 1024;
    private readonly ToolCallFormat _format;
    private readonly string[] _invokeOpen;
    private readonly string[] _invokeClose;
    private readonly string[] _parameterOpen;
    private readonly string[] _parameterClose;

    /// <summary>Creates the syntax for tag names that carry one of <paramref name="pieces"/> (<c>""</c> for plain tags).</summary>
    public InvokeCalls(ToolCallFormat format, params string[] pieces)
    {
        _format = format;
        _invokeOpen = [.. pieces.Select(p => "<" + p + "invoke")];
        _invokeClose = [.. pieces.Select(p => "</" + p + "invoke>")];
        _parameterOpen = [.. pieces.Select(p => "<" + p + "parameter")];
        _parameterClose = [.. pieces.Select(p => "</" + p + "parameter>")];
    }

    /// <summary>Delivers every invoke of <paramref name="body"/> (the text between the block's opener and closer).</summary>
    /// <param name="context">Where results go.</param>
    /// <param name="body">The block body.</param>
    /// <param name="truncated">Whether the output ended inside the block (the body is all that came).</param>
    public void Read(ParseContext context, ReadOnlySpan<char> body, bool truncated)
    {
        var reader = new Reader(this, context, body, truncated);
        reader.ReadAll();
    }

    /// <summary>
    /// Reads the attributes of a tag (<c>name="v" other='w'</c>) from just after its name to <paramref name="end"/> (the
    /// tag's <c>&gt;</c>, or Kimi K3's <c>&lt;|sep|&gt;</c>). Returns the position after <paramref name="end"/>, -1 when the text
    /// ended inside the tag, -2 when the tag is malformed.
    /// </summary>
    public static int ReadAttributes(ReadOnlySpan<char> text, int p, out List<(string Name, string Value)> attributes, string end = ">")
    {
        attributes = [];
        var limit = Math.Min(text.Length, p + MaxTag);
        while (true)
        {
            while (p < limit && char.IsWhiteSpace(text[p]))
            {
                p++;
            }

            if (p >= limit)
            {
                return limit == text.Length ? -1 : -2;
            }

            switch (Spans.MatchAt(text, p, end))
            {
                case MatchKind.Full:
                    return p + end.Length;
                case MatchKind.Partial when limit == text.Length:
                    return -1;
            }

            var nameStart = p;
            while (p < limit && (char.IsAsciiLetterOrDigit(text[p]) || text[p] is '_' or '-'))
            {
                p++;
            }

            if (p == nameStart || p >= limit)
            {
                return p >= limit && limit == text.Length ? -1 : -2;
            }

            var attributeName = text[nameStart..p].ToString();
            while (p < limit && char.IsWhiteSpace(text[p]))
            {
                p++;
            }

            if (p >= limit || text[p] != '=')
            {
                return p >= limit && limit == text.Length ? -1 : -2;
            }

            p = Spans.SkipWhitespace(text[..limit], p + 1);
            if (p >= limit)
            {
                return limit == text.Length ? -1 : -2;
            }

            var quote = text[p];
            if (quote is not ('"' or '\''))
            {
                return -2;
            }

            var close = text[(p + 1)..limit].IndexOf(quote);
            if (close < 0)
            {
                return limit == text.Length ? -1 : -2;
            }

            attributes.Add((attributeName, text.Slice(p + 1, close).ToString()));
            p += close + 2;
        }
    }

    /// <summary>The value of attribute <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static string? Attribute(List<(string Name, string Value)> attributes, string name)
    {
        foreach (var (n, v) in attributes)
        {
            if (n == name)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="text"/> at <paramref name="pos"/> starts one of <paramref name="tags"/>, followed by what a tag name may be followed by.</summary>
    private static int MatchTag(ReadOnlySpan<char> text, int pos, string[] tags, bool needsBoundary)
    {
        foreach (var tag in tags)
        {
            if (text[pos..].StartsWith(tag, StringComparison.Ordinal)
                && (!needsBoundary || pos + tag.Length >= text.Length || text[pos + tag.Length] is '>' || char.IsWhiteSpace(text[pos + tag.Length])))
            {
                return tag.Length;
            }
        }

        return 0;
    }

    private static int IndexOfAny(ReadOnlySpan<char> text, int from, string[] tags, out int length)
    {
        var best = -1;
        length = 0;
        foreach (var tag in tags)
        {
            var i = text[from..].IndexOf(tag, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || from + i < best))
            {
                best = from + i;
                length = tag.Length;
            }
        }

        return best;
    }

    private ref struct Reader
    {
        private readonly InvokeCalls _syntax;
        private readonly ParseContext _context;
        private readonly ReadOnlySpan<char> _body;
        private readonly bool _truncated;

        // Where the search for a structurally confirmed parameter closer last found none: past it, none will be found.
        private int _noConfirmedCloseFrom = int.MaxValue;

        public Reader(InvokeCalls syntax, ParseContext context, ReadOnlySpan<char> body, bool truncated)
        {
            _syntax = syntax;
            _context = context;
            _body = body;
            _truncated = truncated;
        }

        public void ReadAll()
        {
            var p = 0;
            while (true)
            {
                p = Spans.SkipWhitespace(_body, p);
                if (p >= _body.Length)
                {
                    return;
                }

                if (MatchTag(_body, p, _syntax._invokeOpen, needsBoundary: true) == 0)
                {
                    // Text between invokes: kept in a problem, never run. No invoke starts at p (an opener's text
                    // without its boundary, "<invokeX", is not one), so the search starts after it: always progress.
                    var next = IndexOfAny(_body, p + 1, _syntax._invokeOpen, out _);
                    var end = next < 0 ? _body.Length : next;
                    _context.EmitProblem(ToolCallProblemKind.Malformed, "Text inside a tool-call block that is not an invoke.", _body[p..end]);
                    p = end;
                    continue;
                }

                p = ReadInvoke(p);
            }
        }

        /// <summary>Reads one invoke starting at <paramref name="start"/>; returns where reading goes on.</summary>
        private int ReadInvoke(int start)
        {
            var tagEnd = ReadTag(start + MatchTag(_body, start, _syntax._invokeOpen, needsBoundary: true), out var attributes);
            if (tagEnd < 0)
            {
                return Bad(start, tagEnd == -1 ? null : "the invoke tag cannot be read", null);
            }

            var name = Attribute(attributes, "name");
            if (string.IsNullOrWhiteSpace(name))
            {
                return Bad(start, "the invoke has no name", null);
            }

            var args = new List<TaggedArgument>();
            var p = tagEnd;
            while (true)
            {
                p = Spans.SkipWhitespace(_body, p);
                if (p >= _body.Length)
                {
                    // The block ended with this invoke still open: closed by the block's end, or cut by the end of the output.
                    return Emit(start, _body.Length, name, args, healed: _truncated);
                }

                var close = MatchTag(_body, p, _syntax._invokeClose, needsBoundary: false);
                if (close > 0)
                {
                    return Emit(start, p + close, name, args, healed: false);
                }

                if (MatchTag(_body, p, _syntax._invokeOpen, needsBoundary: true) > 0)
                {
                    // The next invoke starts without this one closing: it ends here.
                    return Emit(start, p, name, args, healed: false);
                }

                var open = MatchTag(_body, p, _syntax._parameterOpen, needsBoundary: true);
                if (open > 0)
                {
                    var paramTagEnd = ReadTag(p + open, out var paramAttributes);
                    if (paramTagEnd < 0)
                    {
                        return Bad(start, paramTagEnd == -1 ? null : "a parameter tag cannot be read", name);
                    }

                    var key = Attribute(paramAttributes, "name");
                    if (string.IsNullOrEmpty(key))
                    {
                        return Bad(start, "a parameter has no name", name);
                    }

                    var valueEnd = FindValueEnd(paramTagEnd, out var closeLength);
                    if (valueEnd < 0)
                    {
                        return Bad(start, _truncated ? null : "a parameter is not closed", name);
                    }

                    var hint = Attribute(paramAttributes, "string") switch
                    {
                        "true" => ValueHint.Text,
                        "false" => ValueHint.Json,
                        _ => ValueHint.Schema,
                    };
                    args.Add(new TaggedArgument(key, paramTagEnd, valueEnd, hint));
                    p = valueEnd + closeLength;
                    continue;
                }

                if (_body[p] == '{' && args.Count == 0)
                {
                    // JSON written directly inside the invoke (SGLang's "format 2").
                    return ReadJsonInvoke(start, p, name);
                }

                return Bad(start, "the invoke holds text outside its parameters", name);
            }
        }

        private int ReadJsonInvoke(int start, int jsonStart, string name)
        {
            var scanner = new JsonScanner(_context.Options.MaxJsonDepth);
            var p = jsonStart;
            var done = scanner.Feed(_body, ref p);
            var jsonEnd = p;
            var q = Spans.SkipWhitespace(_body, p);
            var close = q < _body.Length ? MatchTag(_body, q, _syntax._invokeClose, needsBoundary: false) : 0;
            if (done && close == 0 && q < _body.Length)
            {
                return Bad(start, "the invoke's JSON is followed by text", name);
            }

            var end = close > 0 ? q + close : _body.Length;
            JsonCalls.EmitArguments(_context, null, name, _body[jsonStart..jsonEnd], _truncated && !done, _body[start..end], _syntax._format);
            return end;
        }

        /// <summary>
        /// A value ends at a parameter closer followed (after whitespace) by the next parameter, the invoke's closer, the next
        /// invoke or the end of the block; a closer followed by anything else is value text (a literal <c>&lt;/parameter&gt;</c>
        /// in a value), unless no closer is so confirmed, when the first one ends the value. Returns -1 when no closer comes.
        /// </summary>
        private int FindValueEnd(int from, out int closeLength)
        {
            var first = IndexOfAny(_body, from, _syntax._parameterClose, out var firstLength);
            closeLength = firstLength;
            if (first < 0 || first >= _noConfirmedCloseFrom)
            {
                return first;
            }

            for (var at = first; at >= 0; at = IndexOfAny(_body, at + 1, _syntax._parameterClose, out closeLength))
            {
                var next = Spans.SkipWhitespace(_body, at + closeLength);
                if (next >= _body.Length
                    || MatchTag(_body, next, _syntax._parameterOpen, needsBoundary: true) > 0
                    || MatchTag(_body, next, _syntax._invokeClose, needsBoundary: false) > 0
                    || MatchTag(_body, next, _syntax._invokeOpen, needsBoundary: true) > 0)
                {
                    return at;
                }
            }

            _noConfirmedCloseFrom = first;
            closeLength = firstLength;
            return first;
        }

        /// <summary>
        /// Reads the attributes of a tag from just after its name to its <c>&gt;</c>. Returns the position after <c>&gt;</c>,
        /// -1 when the body ended inside the tag, -2 when the tag is malformed.
        /// </summary>
        private readonly int ReadTag(int p, out List<(string Name, string Value)> attributes) => ReadAttributes(_body, p, out attributes);

        /// <summary>Reports the invoke at <paramref name="start"/> as a problem (Truncated when <paramref name="why"/> is null) and skips to its closer.</summary>
        private int Bad(int start, string? why, string? name)
        {
            var close = IndexOfAny(_body, start, _syntax._invokeClose, out var length);
            var next = IndexOfAny(_body, start + 1, _syntax._invokeOpen, out _);
            var end = close < 0 ? (next < 0 ? _body.Length : next) : next >= 0 && next < close ? next : close + length;
            if (why is null && end == _body.Length)
            {
                _context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside this tool call.", _body[start..end], name, name is null ? null : _body[start..end].ToString());
            }
            else
            {
                _context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call cannot be read: " + (why ?? "it is cut short") + ".", _body[start..end], name, name is null ? null : _body[start..end].ToString());
            }

            return end;
        }

        private readonly int Emit(int start, int end, string name, List<TaggedArgument> args, bool healed)
        {
            TaggedValues.EmitCall(_context, _body[start..end], _body, name, args, healed, _syntax._format);
            return end;
        }
    }
}
