namespace ToolLoop.Parsing;

/// <summary>
/// MeetKai Functionary (formats.md 9.8), both versions under one format. v3.1: <c>&lt;function=NAME&gt;{json}&lt;/function&gt;</c>
/// (read for declared tools, by the region Hermes and Llama 3 share). v3.2: the generation prompt ends with <c>&gt;&gt;&gt;</c>,
/// so the output starts with a recipient line: <c>all\n</c> then content, or <c>NAME\n</c> then the JSON arguments, or
/// <c>python\n</c> then code; a later <c>&gt;&gt;&gt;</c> switches recipient only when followed by <c>all\n</c>,
/// <c>python\n</c> or a declared <c>NAME\n</c>, so a Python REPL prompt in content stays content. Every marker is ordinary
/// text, so the format is not part of <see cref="ToolCallFormat.Auto"/>.
/// </summary>
internal static class FunctionaryFormat
{
    public const string Recipient = ">>>";
    private const string All = "all";
    private const string Python = "python";
    private const int MaxRecipient = 128;
    private static readonly string[] s_codeEnds = ["<|eot_id|>", "<|eom_id|>"];

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Qwen3CoderFormat.FunctionOpen, static c => new Qwen3CoderFormat.FunctionTagRegion(c));
        b.Call(Recipient, static c => new RecipientRegion(c, Recipient.Length));
        b.AtStart(static c => new RecipientRegion(c, 0));
        b.StripInContent(Qwen3CoderFormat.FunctionClose);
    }

    /// <summary>What follows a recipient marker at a position.</summary>
    private enum Line
    {
        /// <summary>Not a recipient line.</summary>
        None,

        /// <summary>The text ends before the line could be told apart.</summary>
        Partial,

        /// <summary>A recipient line.</summary>
        Full,
    }

    /// <summary>
    /// Reads the recipient line at <paramref name="pos"/> (<c>NAME\n</c>). Returns the name and the position after the
    /// newline when it is a recipient this format switches to: <c>all</c>, <c>python</c>, a declared tool, or, when no tool
    /// is declared, any name whose message is a JSON object.
    /// </summary>
    private static Line ReadLine(ReadOnlySpan<char> text, int pos, ParseContext context, out string name, out int after)
    {
        name = string.Empty;
        after = -1;
        var end = pos;
        while (end < text.Length && end - pos <= MaxRecipient && Spans.IsNameChar(text[end]))
        {
            end++;
        }

        if (end >= text.Length)
        {
            return end - pos > MaxRecipient ? Line.None : Line.Partial;
        }

        // One newline ends the line (a carriage return before it is tolerated).
        var newline = end;
        if (text[newline] == '\r')
        {
            if (newline + 1 >= text.Length)
            {
                return Line.Partial;
            }

            newline++;
        }

        if (end == pos || text[newline] != '\n')
        {
            return Line.None;
        }

        name = text[pos..end].ToString();
        after = newline + 1;
        if (name is All or Python || context.IsDeclared(name))
        {
            return Line.Full;
        }

        if (context.HasTools)
        {
            return Line.None;
        }

        var json = Spans.SkipWhitespace(text, after);
        return json >= text.Length ? Line.Partial : text[json] == '{' ? Line.Full : Line.None;
    }

    /// <summary>One v3.2 message: its recipient line and, for a tool, its body.</summary>
    private sealed class RecipientRegion(ParseContext context, int openerLength) : CallRegion
    {
        private string? _name;
        private int _bodyStart = -1;
        private int _bodyEnd = -1;
        private JsonScanner? _json;
        private bool _text;

        public override ToolCallFormat Format => ToolCallFormat.Functionary;

        public override RegionStatus Scan(ReadOnlySpan<char> region, ref int pos)
        {
            if (_name is null)
            {
                var lineStart = openerLength;
                if (openerLength == 0)
                {
                    // At the start of the output the prompt's ">>>" was already written; a model that repeats it is read too.
                    switch (Spans.MatchAt(region, 0, Recipient))
                    {
                        case MatchKind.Partial:
                            return RegionStatus.NeedMore;
                        case MatchKind.Full:
                            lineStart = Recipient.Length;
                            break;
                    }
                }

                switch (ReadLine(region, lineStart, context, out var name, out var after))
                {
                    case Line.Partial:
                        return RegionStatus.NeedMore;
                    case Line.None:
                        return RegionStatus.Reject;
                }

                _name = name;
                pos = after;
                if (name == All)
                {
                    // Content follows: the recipient line is markup.
                    return RegionStatus.Complete;
                }

                _bodyStart = after;
                _json = name == Python ? null : new JsonScanner(context.Options.MaxJsonDepth);
            }

            if (_json is not null && !_text)
            {
                if (!_json.Started)
                {
                    pos = Spans.SkipWhitespace(region, pos);
                    if (pos >= region.Length)
                    {
                        return RegionStatus.NeedMore;
                    }

                    if (region[pos] != '{')
                    {
                        // A tool recipient whose message is not a JSON object: the message is the call's (bad) arguments.
                        _text = true;
                        return EndAtNextRecipient(region, ref pos);
                    }
                }

                if (!_json.Feed(region, ref pos))
                {
                    return RegionStatus.NeedMore;
                }

                _bodyEnd = pos;
                return RegionStatus.Complete;
            }

            return EndAtNextRecipient(region, ref pos);
        }

        /// <summary>Code (or a message that is not JSON) runs to the next confirmed recipient or the end of the turn.</summary>
        private RegionStatus EndAtNextRecipient(ReadOnlySpan<char> region, ref int pos)
        {
            // The end of the turn is looked for once per scan; recipient markers only before it (so a flood of ">>>" in
            // code costs one pass).
            var limit = region.Length;
            var partial = region.Length;
            foreach (var m in s_codeEnds)
            {
                var at = Spans.Find(region, pos, m);
                if (at >= 0)
                {
                    limit = Math.Min(limit, at);
                }
                else
                {
                    partial = Math.Min(partial, -1 - at);
                }
            }

            while (true)
            {
                var rel = region[pos..limit].IndexOf(Recipient, StringComparison.Ordinal);
                if (rel < 0)
                {
                    if (limit < region.Length)
                    {
                        _bodyEnd = pos = limit;
                        return RegionStatus.Complete;
                    }

                    // A recipient marker or an end token may be cut by the end of the text.
                    pos = Math.Min(partial, Math.Max(pos, region.Length - (Recipient.Length - 1)));
                    return RegionStatus.NeedMore;
                }

                var marker = pos + rel;
                switch (ReadLine(region, marker + Recipient.Length, context, out _, out _))
                {
                    case Line.Full:
                        _bodyEnd = pos = marker;
                        return RegionStatus.Complete;
                    case Line.Partial:
                        pos = marker;
                        return RegionStatus.NeedMore;
                }

                // ">>>" inside the code (a REPL prompt): go on after it.
                pos = marker + 1;
            }
        }

        public override int Finish(ReadOnlySpan<char> region, bool endOfStream, ParseContext ctx)
        {
            if (_name is null)
            {
                // The output ended inside the first line: at the start of the output that is text; after ">>>" a cut recipient.
                if (openerLength == 0 || region.Length == openerLength)
                {
                    ctx.EmitContent(region);
                }
                else
                {
                    ctx.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside a recipient line.", region);
                }

                return region.Length;
            }

            if (_name == All)
            {
                return region.Length;
            }

            var end = _bodyEnd >= 0 ? _bodyEnd : region.Length;
            var consumed = end;
            var body = region[_bodyStart..end];
            if (_bodyEnd < 0)
            {
                // An end token cut by the end of the output goes back to the output text.
                body = body[..Spans.WithoutPartialMarker(body, s_codeEnds)];
                consumed = _bodyStart + body.Length;
            }

            var raw = region[..consumed];
            if (_json is null)
            {
                ctx.EmitCall(null, Python, JsonText.Object([new("code", body.TrimEnd().ToString())]), healed: false, ToolCallFormat.Functionary);
                return consumed;
            }

            JsonCalls.EmitArguments(ctx, null, _name, body, _bodyEnd < 0 && endOfStream, raw, ToolCallFormat.Functionary);
            return consumed;
        }

        public override void Rebase(int shift)
        {
            _bodyStart = Shift(_bodyStart, shift);
            _bodyEnd = Shift(_bodyEnd, shift);
        }
    }
}
