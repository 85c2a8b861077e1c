using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// JSON Schema → GBNF, a C# port of llama.cpp's <c>common/json-schema-to-grammar.cpp</c>: the same rules, rule names
/// and rule order (sorted by name), so llama.cpp's own expected grammars are the test data. Differences, all where
/// llama.cpp's grammar admits text that is not JSON or not valid against the schema, are listed on
/// <see cref="PatternConverter"/> (patterns), <see cref="IntegerRangeGrammar"/> (integer bounds),
/// <see cref="SchemaReader"/> (reading), and here: the key rule for additional properties does not start a key with
/// a lone backslash or a raw control character, an empty property name at the top level does not take over the name
/// <c>root</c>, the parts of an <c>allOf</c> keep their own <c>required</c> lists, dates know the days of each month
/// and leap years, and times take 1 to 7 fraction digits. One is wider
/// than JSON Schema on purpose: the offset of a <c>time</c> is optional, because .NET's <c>TimeOnly</c> is declared
/// <c>"format": "time"</c> but written and read without one.
/// </summary>
/// <remarks>
/// Several schemas can be added to one converter (the call grammars do): rules of equal text are shared, and a name
/// already used for another rule gets a number. Not thread-safe.
/// </remarks>
internal sealed class SchemaGrammarConverter
{
    /// <summary>Whitespace between JSON tokens: bounded, so a model cannot loop on it.</summary>
    public const string SpaceRule = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";

    private static readonly Dictionary<string, (string Content, string[] Deps)> s_primitives = new(StringComparer.Ordinal)
    {
        ["boolean"] = ("(\"true\" | \"false\")", []),
        ["decimal-part"] = ("[0-9]{1,16}", []),
        ["integral-part"] = ("[0] | [1-9] [0-9]{0,15}", []),
        ["number"] = ("(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)?", ["integral-part", "decimal-part"]),
        ["integer"] = ("(\"-\"? integral-part)", ["integral-part"]),
        ["value"] = ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        ["object"] = ("\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? space \"}\"", ["string", "value"]),
        ["array"] = ("\"[\" space ( value (\",\" space value)* )? space \"]\"", ["value"]),
        ["uuid"] = ("\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12} \"\\\"\"", []),
        ["char"] = ("[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})", []),
        ["string"] = ("\"\\\"\" char* \"\\\"\"", ["char"]),
        ["null"] = ("\"null\"", []),
        // llama.cpp's date accepts the 30th of February; this one knows the days of each month and the leap years.
        ["date"] = ("[0-9]{4} \"-\" ( ( \"0\" [13578] | \"1\" [02] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] ) | ( \"0\" [469] | \"11\" ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"30\" ) | \"02-\" ( \"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8] ) ) | leap-year \"-02-29\"", ["leap-year"]),
        ["leap-year"] = ("[0-9] [0-9] ( \"0\" [48] | [2468] [048] | [13579] [26] ) | ( [02468] [048] | [13579] [26] ) \"00\"", []),

        // RFC 3339 allows any number of fraction digits (llama.cpp: exactly 3); 1 to 7 is what .NET writes and reads.
        ["partial-time"] = ("([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,7} )?", []),
        ["time-offset"] = ("\"Z\" | ( \"+\" | \"-\" ) ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9]", []),

        // The offset is optional in a "time": .NET writes "format": "time" for TimeOnly, whose JSON ("12:30:00") has
        // none and which cannot read one, so a required offset would make every TimeOnly argument fail.
        ["time"] = ("partial-time time-offset?", ["partial-time", "time-offset"]),
        ["date-time"] = ("date \"T\" partial-time time-offset", ["date", "partial-time", "time-offset"]),
        ["date-string"] = ("\"\\\"\" date \"\\\"\"", ["date"]),
        ["time-string"] = ("\"\\\"\" time \"\\\"\"", ["time"]),
        ["date-time-string"] = ("\"\\\"\" date-time \"\\\"\"", ["date-time"]),
    };

    private readonly SortedDictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refsBeingResolved = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public SchemaGrammarConverter()
    {
        _rules["space"] = SpaceRule;
    }

    /// <summary>Conversions that lost precision (an unsupported pattern accepts any string).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Converts a whole schema to a grammar whose root rule is <c>root</c> (llama.cpp's <c>json_schema_to_grammar</c>).</summary>
    /// <exception cref="SchemaConversionException">The schema is invalid or outside the supported subset.</exception>
    public static string Convert(JsonElement schema) => Convert(schema, out _);

    /// <inheritdoc cref="Convert(JsonElement)"/>
    public static string Convert(JsonElement schema, out IReadOnlyList<string> warnings)
    {
        var converter = new SchemaGrammarConverter();
        converter.Visit(SchemaReader.Read(schema), "");
        converter.CheckErrors();
        warnings = converter.Warnings;
        return converter.FormatGrammar();
    }

    /// <summary>Adds a rule; returns its name, which has a number appended when the name is taken by another rule.</summary>
    public string AddRule(string name, string rule)
    {
        var escaped = EscapeName(name);
        if (!_rules.TryGetValue(escaped, out var existing) || existing == rule)
        {
            _rules[escaped] = rule;
            return escaped;
        }

        var i = 0;
        while (_rules.TryGetValue(escaped + i.ToString(CultureInfo.InvariantCulture), out var other) && other != rule)
        {
            i++;
        }

        var key = escaped + i.ToString(CultureInfo.InvariantCulture);
        _rules[key] = rule;
        return key;
    }

    /// <summary>Adds one of the built-in rules (<c>string</c>, <c>number</c>, <c>value</c>, <c>char</c>, <c>date</c> …) and its dependencies.</summary>
    public string AddPrimitive(string name) => AddPrimitive(name, name);

    private string AddPrimitive(string name, string primitive)
    {
        var (content, deps) = s_primitives[primitive];
        var n = AddRule(name, content);
        foreach (var dep in deps)
        {
            if (!_rules.ContainsKey(dep))
            {
                AddPrimitive(dep, dep);
            }
        }

        return n;
    }

    /// <summary>Writes <c>name ::= rule</c> lines, sorted by name.</summary>
    public string FormatGrammar()
    {
        var sb = new StringBuilder();
        foreach (var (name, rule) in _rules)
        {
            sb.Append(name).Append(" ::= ").Append(rule).Append('\n');
        }

        return sb.ToString();
    }

    /// <exception cref="SchemaConversionException">An error was recorded.</exception>
    public void CheckErrors()
    {
        if (_errors.Count > 0)
        {
            throw new SchemaConversionException("JSON schema conversion failed:\n" + string.Join("\n", _errors));
        }
    }

    /// <summary>llama.cpp's <c>build_repetition</c>: <paramref name="max"/> <see cref="int.MaxValue"/> is unbounded.</summary>
    public static string Repetition(string item, int min, int max, string separator = "")
    {
        var hasMax = max != int.MaxValue;
        if (max == 0)
        {
            return "";
        }

        if (min == 0 && max == 1)
        {
            return item + "?";
        }

        if (separator.Length == 0)
        {
            if (min == 1 && !hasMax)
            {
                return item + "+";
            }

            if (min == 0 && !hasMax)
            {
                return item + "*";
            }

            return item + "{" + min.ToString(CultureInfo.InvariantCulture) + "," + (hasMax ? max.ToString(CultureInfo.InvariantCulture) : "") + "}";
        }

        var result = item + " " + Repetition("(" + separator + " " + item + ")", min == 0 ? 0 : min - 1, hasMax ? max - 1 : max);
        return min == 0 ? "(" + result + ")?" : result;
    }

    /// <summary>The GBNF literal of a JSON value's compact text (llama.cpp's <c>_generate_constant_rule</c>).</summary>
    public static string ConstantRule(JsonElement value) => Gbnf.Literal(Dump(value));

    /// <summary>Visits a schema node; returns the name of the rule (or the rule text) that matches it.</summary>
    public string Visit(SchemaNode schema, string name)
    {
        var ruleName = IsReserved(name) ? name + "-" : name.Length == 0 ? "root" : name;
        var subName = name + (name.Length == 0 ? "" : "-");
        switch (schema.Kind)
        {
            case SchemaKind.Ref:
                return AddRule(ruleName, ResolveRef(schema));
            case SchemaKind.AnyOf:
                return AddRule(ruleName, UnionRule(name, schema.Children));
            case SchemaKind.AllOf:
                return VisitAllOf(schema, name, ruleName);
            case SchemaKind.Const:
                return AddRule(ruleName, ConstantRule(schema.Value));
            case SchemaKind.Enum:
                return AddRule(ruleName, "(" + string.Join(" | ", schema.Values.Select(ConstantRule)) + ")");
            case SchemaKind.Object:
                if (schema.Properties.Count == 0 && schema.AdditionalProperties is { Kind: SchemaKind.Any })
                {
                    return AddRule(ruleName, AddPrimitive("object"));
                }

                return AddRule(ruleName, ObjectRule([.. schema.Properties.Select(p => (p.Name, p.Schema))], new HashSet<string>(schema.Properties.Where(p => p.Required).Select(p => p.Name), StringComparer.Ordinal), name, schema.AdditionalProperties));
            case SchemaKind.Tuple:
                var tuple = new StringBuilder("\"[\" space ");
                for (var i = 0; i < schema.Children.Count; i++)
                {
                    if (i > 0)
                    {
                        tuple.Append(" \",\" space ");
                    }

                    tuple.Append(Visit(schema.Children[i], subName + "tuple-" + i.ToString(CultureInfo.InvariantCulture)));
                }

                if (schema.Items is { } rest)
                {
                    var restRule = Visit(rest, subName + "item");
                    tuple.Append(schema.Children.Count == 0 ? Repetition(restRule, 0, int.MaxValue, "\",\" space") : " (\",\" space " + restRule + ")*");
                }

                return AddRule(ruleName, tuple.Append(" space \"]\"").ToString());
            case SchemaKind.Array:
                var items = schema.Items!;
                if (items.Kind == SchemaKind.Any && schema.MinItems == 0 && schema.MaxItems < 0)
                {
                    return VisitPrimitive(ruleName, "array");
                }

                var itemRule = Visit(items, subName + "item");
                var maxItems = schema.MaxItems < 0 ? int.MaxValue : schema.MaxItems;
                return AddRule(ruleName, "\"[\" space " + Repetition(itemRule, schema.MinItems, maxItems, "\",\" space") + " space \"]\"");
            case SchemaKind.String:
                if (schema.Pattern is { } pattern)
                {
                    return VisitPattern(pattern, ruleName);
                }

                if (schema.Format == StringFormat.Uuid)
                {
                    return VisitPrimitive(ruleName, "uuid");
                }

                if (schema.Format != StringFormat.None)
                {
                    var primitive = schema.Format switch
                    {
                        StringFormat.Date => "date-string",
                        StringFormat.Time => "time-string",
                        _ => "date-time-string",
                    };
                    return AddRule(ruleName, AddPrimitive(primitive));
                }

                if (schema.MinLength > 0 || schema.MaxLength >= 0)
                {
                    var charRule = AddPrimitive("char");
                    var maxLength = schema.MaxLength < 0 ? int.MaxValue : schema.MaxLength;
                    return AddRule(ruleName, "\"\\\"\" " + Repetition(charRule, schema.MinLength, maxLength) + " \"\\\"\"");
                }

                return VisitPrimitive(ruleName, "string");
            case SchemaKind.Integer:
                if (schema.Minimum == long.MinValue && schema.Maximum == long.MaxValue)
                {
                    return VisitPrimitive(ruleName, "integer");
                }

                return AddRule(ruleName, "(" + IntegerRangeGrammar.Build(schema.Minimum, schema.Maximum) + ")");
            case SchemaKind.Number:
                return VisitPrimitive(ruleName, "number");
            case SchemaKind.Boolean:
                return VisitPrimitive(ruleName, "boolean");
            case SchemaKind.Null:
                return VisitPrimitive(ruleName, "null");
            default:
                return AddRule(ruleName, AddPrimitive("value"));
        }
    }

    /// <summary>
    /// The raw text (no JSON quotes or escapes) of a value of a string schema, for formats that write string arguments
    /// as they are (Qwen3-Coder's and GLM's tags). Returns <see langword="null"/> when the schema does not constrain
    /// the text (any text up to the format's closing tag fits).
    /// </summary>
    public string? VisitRawString(SchemaNode schema, string name)
    {
        switch (schema.Kind)
        {
            case SchemaKind.Ref when schema.Target is { } target && _refsBeingResolved.Add(schema.Ref):
                try
                {
                    return VisitRawString(target, name);
                }
                finally
                {
                    _refsBeingResolved.Remove(schema.Ref);
                }

            case SchemaKind.Const when schema.Value.ValueKind == JsonValueKind.String:
                return AddRule(name, Gbnf.Literal(schema.Value.GetString()!));
            case SchemaKind.Enum when schema.Values.All(v => v.ValueKind == JsonValueKind.String):
                return AddRule(name, "(" + string.Join(" | ", schema.Values.Select(v => Gbnf.Literal(v.GetString()!))) + ")");
            case SchemaKind.String when schema.Pattern is { } pattern:
                var snapshot = new SortedDictionary<string, string>(_rules, StringComparer.Ordinal);
                try
                {
                    return AddRule(name, "(" + PatternConverter.Convert(this, pattern, name, json: false) + ")");
                }
                catch (PatternConverter.PatternException ex)
                {
                    Restore(snapshot);
                    if (ex.Invalid)
                    {
                        _errors.Add($"Invalid pattern {pattern}: {ex.Message}");
                    }
                    else
                    {
                        _warnings.Add($"pattern {pattern} is not supported ({ex.Message}), accepting any string");
                    }

                    return null;
                }

            case SchemaKind.String when schema.Format == StringFormat.Uuid:
                return AddRule(name, "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}");
            case SchemaKind.String when schema.Format != StringFormat.None:
                return AddRule(name, AddPrimitive(schema.Format switch
                {
                    StringFormat.Date => "date",
                    StringFormat.Time => "time",
                    _ => "date-time",
                }));
            case SchemaKind.String when schema.MinLength > 0 || schema.MaxLength >= 0:
                var any = AddRule("raw-char", "[^\\x00]");
                return AddRule(name, Repetition(any, schema.MinLength, schema.MaxLength < 0 ? int.MaxValue : schema.MaxLength));
            default:
                return null;
        }
    }

    private void Restore(SortedDictionary<string, string> snapshot)
    {
        _rules.Clear();
        foreach (var (k, v) in snapshot)
        {
            _rules[k] = v;
        }
    }

    private static bool IsReserved(string name) => name == "root" || s_primitives.ContainsKey(name);

    private static string EscapeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        var inRun = false;
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                sb.Append(c);
                inRun = false;
            }
            else if (!inRun)
            {
                sb.Append('-');
                inRun = true;
            }
        }

        return sb.ToString();
    }

    private string VisitPrimitive(string ruleName, string type) => AddPrimitive(ruleName == "root" ? "root" : type, type);

    private string UnionRule(string name, List<SchemaNode> alternatives)
    {
        var rules = new List<string>(alternatives.Count);
        for (var i = 0; i < alternatives.Count; i++)
        {
            rules.Add(Visit(alternatives[i], name + (name.Length == 0 ? "alternative-" : "-") + i.ToString(CultureInfo.InvariantCulture)));
        }

        return string.Join(" | ", rules);
    }

    private string VisitPattern(string pattern, string name)
    {
        var snapshot = new SortedDictionary<string, string>(_rules, StringComparer.Ordinal);
        try
        {
            var rule = PatternConverter.Convert(this, pattern, name, json: true);
            return AddRule(name, "\"\\\"\" (" + rule + ") \"\\\"\"");
        }
        catch (PatternConverter.PatternException ex) when (!ex.Invalid)
        {
            // The rules of the partial conversion must not leak into the grammar.
            Restore(snapshot);
            _warnings.Add($"pattern {pattern} is not supported ({ex.Message}), accepting any string");
            return AddRule(name, AddPrimitive("string"));
        }
        catch (PatternConverter.PatternException ex)
        {
            Restore(snapshot);
            _errors.Add($"Invalid pattern {pattern}: {ex.Message}");
            return "";
        }
    }

    private string ResolveRef(SchemaNode schema)
    {
        var reference = schema.Ref;
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash >= 0 ? reference[(hash + 1)..] : reference;
        var refName = "ref" + EscapeName(fragment);
        if (!_rules.ContainsKey(refName) && !_refsBeingResolved.Contains(reference))
        {
            if (schema.Target is null)
            {
                _errors.Add("Unresolved $ref " + reference);
                return "";
            }

            _refsBeingResolved.Add(reference);
            refName = Visit(schema.Target, refName);
            _refsBeingResolved.Remove(reference);
        }

        return refName;
    }

    private string VisitAllOf(SchemaNode schema, string name, string ruleName)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        var properties = new List<(string Name, SchemaNode Schema)>();
        var enumValues = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void AddComponent(SchemaNode component, bool isRequired)
        {
            switch (component.Kind)
            {
                case SchemaKind.Ref when component.Target is { } target:
                    AddComponent(target, isRequired);
                    break;
                case SchemaKind.Object:
                    // A property is required when its own schema says so (llama.cpp requires every property of a
                    // part, so {"allOf": [{"properties": {"a": …}}]} rejects {}); an alternative's never are.
                    foreach (var p in component.Properties)
                    {
                        properties.Add((p.Name, p.Schema));
                        if (isRequired && p.Required)
                        {
                            required.Add(p.Name);
                        }
                    }

                    break;
                case SchemaKind.Enum:
                    foreach (var v in component.Values)
                    {
                        var literal = ConstantRule(v);
                        enumValues[literal] = enumValues.GetValueOrDefault(literal) + 1;
                    }

                    break;
            }
        }

        foreach (var child in schema.Children)
        {
            if (child.Kind == SchemaKind.AnyOf)
            {
                foreach (var alternative in child.Children)
                {
                    AddComponent(alternative, false);
                }
            }
            else
            {
                AddComponent(child, true);
            }
        }

        if (enumValues.Count > 0)
        {
            var intersection = enumValues.Where(e => e.Value == schema.Children.Count).Select(e => e.Key).ToList();
            if (intersection.Count > 0)
            {
                return AddRule(ruleName, "(" + string.Join(" | ", intersection) + ")");
            }
        }

        return AddRule(ruleName, ObjectRule(properties, required, name, null));
    }

    private string ObjectRule(List<(string Name, SchemaNode Schema)> properties, HashSet<string> required, string name, SchemaNode? additionalProperties)
    {
        var sep = name.Length == 0 ? "" : "-";
        var requiredProps = new List<string>();
        var optionalProps = new List<string?>();
        var kvRules = new Dictionary<string, string>(StringComparer.Ordinal);
        var propNames = new List<string>();
        string? additionalKv = null;
        foreach (var (propName, propSchema) in properties)
        {
            // llama.cpp names the rule of a top-level property "" as the root, so its grammar's root is that
            // property's value; a property without a name gets the name "-" instead.
            var subName = name + sep + propName;
            var propRule = Visit(propSchema, subName.Length == 0 ? "-" : subName);
            kvRules[propName] = AddRule(name + sep + propName + "-kv", Gbnf.Literal(Dump(propName)) + " space \":\" space " + propRule);
            if (required.Contains(propName))
            {
                requiredProps.Add(propName);
            }
            else
            {
                optionalProps.Add(propName);
            }

            propNames.Add(propName);
        }

        if (additionalProperties is not null)
        {
            var subName = name + sep + "additional";
            var valueRule = additionalProperties.Kind != SchemaKind.Any ? Visit(additionalProperties, subName + "-value") : AddPrimitive("value");
            var keyRule = propNames.Count == 0 ? AddPrimitive("string") : AddRule(subName + "-k", NotStrings(propNames));
            additionalKv = AddRule(subName + "-kv", keyRule + " \":\" space " + valueRule);
            optionalProps.Add(null);
        }

        if (requiredProps.Count == 0 && optionalProps.Count == 0)
        {
            return "\"{\" space \"}\"";
        }

        var rule = new StringBuilder("\"{\" space ");
        rule.AppendJoin(" \",\" space ", requiredProps.Select(p => kvRules[p]));
        if (optionalProps.Count > 0)
        {
            rule.Append(" (");
            if (requiredProps.Count > 0)
            {
                rule.Append(" \",\" space ( ");
            }

            string KvRule(string? key) => key is null ? additionalKv! : kvRules[key];
            string RecursiveRefs(List<string?> keys, bool firstIsOptional)
            {
                var k = keys[0];
                var kv = KvRule(k);
                var commaRef = "( \",\" space " + kv + " )";
                var res = firstIsOptional
                    ? commaRef + (k is null ? "*" : "?")
                    : kv + (k is null ? " " + commaRef + "*" : "");
                if (keys.Count > 1)
                {
                    res += " " + AddRule(name + sep + (k ?? "*") + "-rest", RecursiveRefs(keys[1..], true));
                }

                return res;
            }

            for (var i = 0; i < optionalProps.Count; i++)
            {
                if (i > 0)
                {
                    rule.Append(" | ");
                }

                rule.Append(RecursiveRefs(optionalProps[i..], false));
            }

            if (requiredProps.Count > 0)
            {
                rule.Append(" )");
            }

            rule.Append(" )?");
        }

        return rule.Append(" space \"}\"").ToString();
    }

    /// <summary>
    /// A JSON string that is none of <paramref name="strings"/>, by a trie of their characters, as llama.cpp's
    /// <c>_not_strings</c>. The first character after a branch point is a plain character: llama.cpp lets it be a lone
    /// backslash or a raw control character, which is not JSON (<c>{"\": 1}</c>). A proper prefix of a name is
    /// allowed, which llama.cpp forgets.
    /// </summary>
    private string NotStrings(List<string> strings)
    {
        var root = new TrieNode();
        foreach (var s in strings)
        {
            // The trie holds the JSON text of each name (a '"' in a name is written \" in the key).
            var node = root;
            foreach (var rune in Dump(s)[1..^1].EnumerateRunes())
            {
                if (!node.Children.TryGetValue(rune.Value, out var child))
                {
                    child = new TrieNode();
                    node.Children[rune.Value] = child;
                }

                node = child;
            }

            node.IsEnd = true;
        }

        var charRule = AddPrimitive("char");
        var o = new StringBuilder("[\"] ( ");
        void Visit(TrieNode node)
        {
            var rejects = new List<(int Lo, int Hi)>();
            var first = true;
            foreach (var (cp, child) in node.Children)
            {
                rejects.Add((cp, cp));
                if (!first)
                {
                    o.Append(" | ");
                }

                first = false;
                o.Append(Gbnf.CharClass([(cp, cp)]));
                if (child.Children.Count > 0)
                {
                    // A proper prefix of a name is another name (llama.cpp rejects the key "n" beside "name").
                    o.Append(" (");
                    Visit(child);
                    o.Append(child.IsEnd ? ")" : ")?");
                }
                else
                {
                    o.Append(' ').Append(charRule).Append('+');
                }
            }

            if (node.Children.Count > 0)
            {
                rejects.AddRange([('"', '"'), ('\\', '\\'), (0, 0x1F), (0x7F, 0x7F)]);
                o.Append(" | ").Append(Gbnf.CharClass(CodePointSet.Complement(CodePointSet.Normalize(rejects)))).Append(' ').Append(charRule).Append('*');
            }
        }

        Visit(root);
        o.Append(" )");
        if (!root.IsEnd)
        {
            o.Append('?');
        }

        return o.Append(" [\"]").ToString();
    }

    private sealed class TrieNode
    {
        public SortedDictionary<int, TrieNode> Children { get; } = [];

        public bool IsEnd { get; set; }
    }

    /// <summary>Compact JSON text, with nlohmann::json's escapes (what llama.cpp's <c>dump()</c> writes).</summary>
    internal static string Dump(JsonElement value)
    {
        var sb = new StringBuilder();
        Dump(value, sb);
        return sb.ToString();
    }

    internal static string Dump(string value)
    {
        var sb = new StringBuilder();
        PyJsonString.Write(sb, value, ensureAscii: false);
        return sb.ToString();
    }

    private static void Dump(JsonElement value, StringBuilder sb)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                PyJsonString.Write(sb, value.GetString()!, ensureAscii: false);
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    Dump(item, sb);
                }

                sb.Append(']');
                break;
            case JsonValueKind.Object:
                sb.Append('{');
                var firstProperty = true;
                foreach (var property in value.EnumerateObject())
                {
                    if (!firstProperty)
                    {
                        sb.Append(',');
                    }

                    firstProperty = false;
                    PyJsonString.Write(sb, property.Name, ensureAscii: false);
                    sb.Append(':');
                    Dump(property.Value, sb);
                }

                sb.Append('}');
                break;
            default:
                sb.Append(value.GetRawText());
                break;
        }
    }
}
