using System.Buffers;
using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// MiniMax (formats.md 9.2). M2: <c>&lt;minimax:tool_call&gt;&lt;invoke name="NAME"&gt;&lt;parameter name="KEY"&gt;VALUE&lt;/parameter&gt;&lt;/invoke&gt;&lt;/minimax:tool_call&gt;</c>,
/// raw values typed by the tool's schema (the invoke reader shared with DeepSeek DSML). M3: every tag is prefixed by the
/// namespace token <c>]&lt;]minimax[&gt;[</c>, a parameter is an element named after its key, and objects and arrays are
/// nested elements (<c>&lt;item&gt;</c> for array items); M3 reasons in <c>&lt;mm:think&gt;</c>…<c>&lt;/mm:think&gt;</c> and writes a bare
/// <c>&lt;/mm:think&gt;</c> when it does not reason.
/// </summary>
internal static class MiniMaxFormat
{
    public const string Open = "<minimax:tool_call>";
    public const string Close = "</minimax:tool_call>";
    public const string Namespace = "]<]minimax[>[";
    private const string M3Open = Namespace + "<tool_call>";
    private const string M3Close = Namespace + "</tool_call>";
    private const string Item = "item";

    // Turn tokens: "[e~[" ends a message, "]~b]" starts one.
    private static readonly string[] s_stops = ["[e~[", "]~b]"];

    /// <summary>The end-of-turn tokens (see <see cref="FormatFamily.TurnEnds"/>).</summary>
    public static readonly string[] TurnEnds = s_stops;

    private static readonly string[] s_closers = [Close];
    private static readonly string[] s_m3Closers = [M3Close];
    private static readonly InvokeCalls s_invokes = new(ToolCallFormat.MiniMax, "");

    // M2's </invoke> is ordinary text (a value may hold it); M3's carries the namespace token.
    private static readonly SectionRegion.CallBounds s_m2Calls = new("<invoke", ["</invoke>"], EndAfterLastCall: false);
    private static readonly SectionRegion.CallBounds s_m3Calls = new(Namespace + "<invoke", [Namespace + "</invoke>"], EndAfterLastCall: true);

    public static void Register(FormatTable.Builder b)
    {
        b.Call(Open, static c => new SectionRegion(ToolCallFormat.MiniMax, Open.Length, s_closers, s_stops, ReadM2, SectionRegion.StartsWithMarkup, s_m2Calls));
        b.Call(M3Open, static c => new SectionRegion(ToolCallFormat.MiniMax, M3Open.Length, s_m3Closers, s_stops, ReadM3, static ch => ch == ']', s_m3Calls));
        b.Reasoning("<mm:think>", "</mm:think>");
        b.StripInContent(Close, M3Close);
    }

    private static void ReadM2(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => s_invokes.Read(context, body, truncated);

    private static void ReadM3(ParseContext context, ReadOnlySpan<char> body, bool truncated, ReadOnlySpan<char> raw)
        => new M3Reader(context, body, truncated).ReadAll();

    /// <summary>An element of an M3 invoke: its name and the span of its content, with its child elements.</summary>
    private sealed class Element(string name, int contentStart)
    {
        public string Name { get; } = name;

        public int ContentStart { get; } = contentStart;

        public int ContentEnd { get; set; } = -1;

        /// <summary>Gets or sets the position after the element's closing tag.</summary>
        public int End { get; set; } = -1;

        public List<Element> Children { get; } = [];

        /// <summary>Gets or sets a value indicating whether text other than whitespace stands between the children.</summary>
        public bool HasText { get; set; }
    }

    /// <summary>Reads an M3 block body: <c>NS&lt;invoke name="N"&gt; NS&lt;KEY&gt;…NS&lt;/KEY&gt; … NS&lt;/invoke&gt;</c>, one or more.</summary>
    private ref struct M3Reader
    {
        private const string InvokeOpen = Namespace + "<invoke";
        private const string InvokeClose = Namespace + "</invoke>";
        private readonly ParseContext _context;
        private readonly ReadOnlySpan<char> _body;
        private readonly bool _truncated;

        public M3Reader(ParseContext context, ReadOnlySpan<char> body, bool truncated)
        {
            _context = context;
            _body = body;
            _truncated = truncated;
        }

        private enum Outcome
        {
            Ok,
            Cut,
            Bad,
            TooDeep,
        }

        public readonly void ReadAll()
        {
            var p = 0;
            while (true)
            {
                p = Spans.SkipWhitespace(_body, p);
                if (p >= _body.Length)
                {
                    return;
                }

                if (!_body[p..].StartsWith(InvokeOpen, StringComparison.Ordinal))
                {
                    var next = _body[(p + 1)..].IndexOf(InvokeOpen, StringComparison.Ordinal);
                    var end = next < 0 ? _body.Length : p + 1 + next;
                    _context.EmitProblem(ToolCallProblemKind.Malformed, "Text inside a tool-call block that is not an invoke.", _body[p..end]);
                    p = end;
                    continue;
                }

                p = ReadInvoke(p);
            }
        }

        private readonly int ReadInvoke(int start)
        {
            var tagEnd = InvokeCalls.ReadAttributes(_body, start + InvokeOpen.Length, out var attributes);
            if (tagEnd < 0)
            {
                return Problem(start, tagEnd == -1 && _truncated ? Outcome.Cut : Outcome.Bad, null);
            }

            var name = InvokeCalls.Attribute(attributes, "name");
            if (string.IsNullOrWhiteSpace(name))
            {
                return Problem(start, Outcome.Bad, null);
            }

            var members = new List<Element>();
            var p = tagEnd;
            while (true)
            {
                p = Spans.SkipWhitespace(_body, p);
                if (p >= _body.Length)
                {
                    // The block ended with the invoke open: closed by the block's end, or cut (then healed: every member closed).
                    return Emit(start, _body.Length, name, members, healed: _truncated);
                }

                if (_body[p..].StartsWith(InvokeClose, StringComparison.Ordinal))
                {
                    return Emit(start, p + InvokeClose.Length, name, members, healed: false);
                }

                if (_body[p..].StartsWith(InvokeOpen, StringComparison.Ordinal))
                {
                    return Emit(start, p, name, members, healed: false);
                }

                if (!TryOpenTag(p, out var key, out var contentStart))
                {
                    return Problem(start, _truncated && !_body[p..].Contains(InvokeClose, StringComparison.Ordinal) && IsPrefixOfTag(p) ? Outcome.Cut : Outcome.Bad, name);
                }

                var member = new Element(key, contentStart);
                var outcome = ReadContent(member, depth: 1);
                if (outcome != Outcome.Ok)
                {
                    return Problem(start, outcome, name);
                }

                members.Add(member);
                p = member.End;
            }
        }

        /// <summary>Reads an element's content up to its closing tag, recording child elements.</summary>
        private readonly Outcome ReadContent(Element element, int depth)
        {
            if (depth > _context.Options.MaxJsonDepth)
            {
                return Outcome.TooDeep;
            }

            var close = Namespace + "</" + element.Name + ">";
            var p = element.ContentStart;
            while (true)
            {
                var rel = _body[p..].IndexOf(Namespace, StringComparison.Ordinal);
                if (rel < 0)
                {
                    return _truncated ? Outcome.Cut : Outcome.Bad;
                }

                var q = p + rel;
                if (!_body[p..q].IsWhiteSpace())
                {
                    element.HasText = true;
                }

                if (_body[q..].StartsWith(close, StringComparison.Ordinal))
                {
                    element.ContentEnd = q;
                    element.End = q + close.Length;
                    return Outcome.Ok;
                }

                if (TryOpenTag(q, out var childName, out var childStart))
                {
                    var child = new Element(childName, childStart);
                    var outcome = ReadContent(child, depth + 1);
                    if (outcome != Outcome.Ok)
                    {
                        return outcome;
                    }

                    element.Children.Add(child);
                    p = child.End;
                    continue;
                }

                if (_body[(q + Namespace.Length)..].StartsWith("</", StringComparison.Ordinal))
                {
                    // Another element's closing tag: the structure is broken.
                    return _truncated && IsPrefixOfTag(q) ? Outcome.Cut : Outcome.Bad;
                }

                element.HasText = true;
                p = q + Namespace.Length;
            }
        }

        /// <summary>Reads <c>NS&lt;NAME&gt;</c> at <paramref name="p"/> (NAME: no <c>/</c>, <c>&lt;</c>, <c>&gt;</c> or whitespace).</summary>
        private readonly bool TryOpenTag(int p, out string name, out int contentStart)
        {
            name = string.Empty;
            contentStart = -1;
            var at = p + Namespace.Length;
            if (!_body[p..].StartsWith(Namespace, StringComparison.Ordinal) || at >= _body.Length || _body[at] != '<')
            {
                return false;
            }

            var nameStart = at + 1;
            var e = nameStart;
            while (e < _body.Length && e - nameStart <= 256 && _body[e] is not ('>' or '<' or '/') && !char.IsWhiteSpace(_body[e]))
            {
                e++;
            }

            if (e == nameStart || e >= _body.Length || _body[e] != '>')
            {
                return false;
            }

            name = _body[nameStart..e].ToString();
            contentStart = e + 1;
            return true;
        }

        /// <summary>Whether the body ends inside what could still become a tag at <paramref name="p"/>.</summary>
        private readonly bool IsPrefixOfTag(int p) => _body[p..].IndexOf('>') < 0;

        private readonly int Problem(int start, Outcome outcome, string? name)
        {
            var close = _body[start..].IndexOf(InvokeClose, StringComparison.Ordinal);
            var next = _body[(start + 1)..].IndexOf(InvokeOpen, StringComparison.Ordinal);
            var end = close < 0 ? (next < 0 ? _body.Length : start + 1 + next)
                : next >= 0 && start + 1 + next < start + close ? start + 1 + next : start + close + InvokeClose.Length;
            var raw = _body[start..end];
            var rawArguments = name is null ? null : raw.ToString();
            switch (outcome)
            {
                case Outcome.Cut:
                    _context.EmitProblem(ToolCallProblemKind.Truncated, "The output ended inside this tool call.", raw, name, rawArguments);
                    break;
                case Outcome.TooDeep:
                    _context.EmitProblem(ToolCallProblemKind.TooDeep, $"The tool call's elements are nested deeper than {_context.Options.MaxJsonDepth} levels.", raw, name);
                    break;
                default:
                    _context.EmitProblem(ToolCallProblemKind.Malformed, "The tool call's elements cannot be read.", raw, name, rawArguments);
                    break;
            }

            return end;
        }

        private readonly int Emit(int start, int end, string name, List<Element> members, bool healed)
        {
            var schema = _context.SchemaFor(name);
            var properties = Sub(schema, "properties");
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
            {
                w.WriteStartObject();
                foreach (var m in members)
                {
                    w.WritePropertyName(m.Name);
                    WriteValue(w, m, Property(properties, m.Name), untyped: properties is null);
                }

                w.WriteEndObject();
            }

            _context.EmitCall(null, name, System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), healed, ToolCallFormat.MiniMax);
            return end;
        }

        /// <summary>
        /// Writes an element as JSON. A property whose schema admits a string is its raw text, nested tags included
        /// (llama.cpp's rule); nested elements are an array when every one is <c>&lt;item&gt;</c> (or the schema says array),
        /// otherwise an object; a leaf is typed by the schema like any tagged value.
        /// </summary>
        private readonly void WriteValue(Utf8JsonWriter w, Element e, JsonElement? schema, bool untyped)
        {
            var types = !untyped && schema is { } s ? TaggedValues.TypesOf(s) : [];
            var text = _body[e.ContentStart..e.ContentEnd];
            if (types.Contains("string"))
            {
                w.WriteStringValue(text);
                return;
            }

            var structured = e.Children.Count > 0 && !e.HasText;
            var empty = e.Children.Count == 0 && text.IsWhiteSpace();
            var asArray = structured
                ? types.Contains("array") || (!types.Contains("object") && e.Children.TrueForAll(c => c.Name == Item))
                : empty && types.Contains("array") && !types.Contains("object");
            if (asArray)
            {
                var items = Alternative(schema, "array") is { } arr && arr.TryGetProperty("items", out var it) ? it : (JsonElement?)null;
                w.WriteStartArray();
                foreach (var c in e.Children)
                {
                    WriteValue(w, c, items, untyped || items is null);
                }

                w.WriteEndArray();
                return;
            }

            if (structured || (empty && types.Contains("object")))
            {
                var properties = Sub(Alternative(schema, "object"), "properties");
                w.WriteStartObject();
                foreach (var c in e.Children)
                {
                    w.WritePropertyName(c.Name);
                    WriteValue(w, c, Property(properties, c.Name), untyped || properties is null);
                }

                w.WriteEndObject();
                return;
            }

            TaggedValues.WriteValue(w, text, schema, untyped);
        }

        private static JsonElement? Sub(JsonElement? schema, string key)
            => schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

        private static JsonElement? Property(JsonElement? properties, string name)
            => properties is { } p && p.TryGetProperty(name, out var v) ? v : null;

        /// <summary>The schema itself when it allows <paramref name="type"/>, else its first <c>anyOf</c>/<c>oneOf</c> alternative that does.</summary>
        private static JsonElement? Alternative(JsonElement? schema, string type)
        {
            if (schema is not { ValueKind: JsonValueKind.Object } s)
            {
                return null;
            }

            if (s.TryGetProperty("type", out _) && TaggedValues.TypesOf(s).Contains(type))
            {
                return s;
            }

            foreach (var union in (ReadOnlySpan<string>)["anyOf", "oneOf"])
            {
                if (s.TryGetProperty(union, out var alts) && alts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var alt in alts.EnumerateArray())
                    {
                        if (Alternative(alt, type) is { } found)
                        {
                            return found;
                        }
                    }
                }
            }

            return null;
        }
    }
}
