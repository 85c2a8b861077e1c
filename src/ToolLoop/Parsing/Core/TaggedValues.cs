using System.Text.Encodings.Web;
using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>
/// Builds the arguments object of the tagged families (Qwen3-Coder, GLM), whose values are raw text typed by the tool's
/// JSON schema: <c>string</c> keeps the text; other types parse it as JSON (with case-insensitive true/false/null);
/// a union with <c>string</c> tries its other types first; a parameter the schema does not list stays a string. With no
/// schema for the tool at all, a value that parses as a JSON number, boolean, null, object or array is taken as such.
/// </summary>
internal static class TaggedValues
{
    /// <summary>Delivers a tagged call from the spans of its keys and values in <paramref name="region"/>.</summary>
    /// <remarks>
    /// A value that would be read as JSON nested deeper than <see cref="ToolCallParserOptions.MaxJsonDepth"/> makes the
    /// call a TooDeep problem.
    /// </remarks>
    public static void EmitCall(ParseContext context, ReadOnlySpan<char> region, string toolName, List<(int KeyStart, int KeyEnd, int ValueStart, int ValueEnd)> spans, bool healed, ToolCallFormat format, bool pythonLiterals = false)
    {
        var args = new List<TaggedArgument>(spans.Count);
        foreach (var (ks, ke, vs, ve) in spans)
        {
            args.Add(new(region[ks..ke].Trim().ToString(), vs, ve));
        }

        var json = BuildArguments(context, toolName, region, args, pythonLiterals);
        if (json is null)
        {
            context.EmitProblem(ToolCallProblemKind.TooDeep, $"An argument's JSON is nested deeper than {context.Options.MaxJsonDepth} levels.", region, toolName);
            return;
        }

        context.EmitCall(null, toolName, json, healed, format);
    }

    /// <summary>
    /// Delivers a tagged call whose arguments carry the markup's type hints (DSML's <c>string</c>, Kimi K3's <c>type</c>);
    /// their positions refer to <paramref name="source"/>, and <paramref name="raw"/> is the call's text for a problem.
    /// </summary>
    public static void EmitCall(ParseContext context, ReadOnlySpan<char> raw, ReadOnlySpan<char> source, string toolName, IReadOnlyList<TaggedArgument> args, bool healed, ToolCallFormat format)
    {
        var json = BuildArguments(context, toolName, source, args);
        if (json is null)
        {
            context.EmitProblem(ToolCallProblemKind.TooDeep, $"An argument's JSON is nested deeper than {context.Options.MaxJsonDepth} levels.", raw, toolName);
            return;
        }

        context.EmitCall(null, toolName, json, healed, format);
    }

    /// <summary>
    /// Builds the arguments object: a <see cref="ValueHint.Text"/> value is a string, a <see cref="ValueHint.Json"/> value is
    /// read as JSON (kept as a string when it does not parse), a <see cref="ValueHint.Schema"/> value is typed by the schema.
    /// Returns <see langword="null"/> when a value read as JSON is nested deeper than the cap. With
    /// <paramref name="pythonLiterals"/>, an object- or array-typed value that is not JSON is read as a Python literal.
    /// The values are read from <paramref name="source"/> and copied once, into the JSON (its UTF-8 in a pooled buffer, then the string).
    /// </summary>
    public static string? BuildArguments(ParseContext context, string toolName, ReadOnlySpan<char> source, IReadOnlyList<TaggedArgument> args, bool pythonLiterals = false)
    {
        var schema = context.SchemaFor(toolName);
        JsonElement properties = default;
        var hasProperties = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("properties", out properties) && properties.ValueKind == JsonValueKind.Object;
        var size = 2;
        foreach (var a in args)
        {
            size += a.Key.Length + a.Value(source).Length + 8;
        }

        // Escapes make the JSON a little longer than the text; the buffer grows (in the pool) if it is longer still.
        using var buffer = new PooledBufferWriter(size + (size / 8));
        using (var w = new Utf8JsonWriter(buffer, JsonText.Relaxed))
        {
            w.WriteStartObject();
            foreach (var arg in args)
            {
                var (key, hint) = (arg.Key, arg.Hint);
                var value = arg.Value(source);
                var readsAsJson = hint switch
                {
                    ValueHint.Text => false,
                    ValueHint.Json => true,
                    _ => (!hasProperties || properties.TryGetProperty(key, out _)) && ReadsAsJson(value, hasProperties ? properties.GetProperty(key) : default),
                };
                if (readsAsJson && TooDeep(value, context.Options.MaxJsonDepth))
                {
                    return null;
                }

                w.WritePropertyName(key);
                if (hint == ValueHint.Text)
                {
                    w.WriteStringValue(value);
                }
                else if (hint == ValueHint.Json)
                {
                    WriteJson(w, value);
                }
                else if (!hasProperties)
                {
                    WriteUntyped(w, value);
                }
                else if (properties.TryGetProperty(key, out var prop))
                {
                    WriteTyped(w, value, prop, pythonLiterals ? context.Options.MaxJsonDepth : 0);
                }
                else
                {
                    w.WriteStringValue(value);
                }
            }

            w.WriteEndObject();
        }

        return buffer.ToUtf8String();
    }

    /// <summary>Whether the value would be parsed as JSON rather than kept as text (no schema, or a type other than string alone).</summary>
    private static bool ReadsAsJson(ReadOnlySpan<char> value, JsonElement propertySchema)
    {
        if (propertySchema.ValueKind == JsonValueKind.Object)
        {
            var types = TypesOf(propertySchema);
            if (types.Count == 0 || (types.Count == 1 && types.Contains("string")))
            {
                return false;
            }
        }

        var t = value.TrimStart();
        return !t.IsEmpty && t[0] is '{' or '[';
    }

    private static bool TooDeep(ReadOnlySpan<char> value, int maxDepth)
    {
        var scanner = new JsonScanner(maxDepth);
        var pos = 0;
        scanner.Feed(value, ref pos);
        return scanner.TooDeep;
    }

    /// <summary>The markup says the value is JSON: written as parsed (a JSON string included), or as text when it does not parse.</summary>
    private static void WriteJson(Utf8JsonWriter w, ReadOnlySpan<char> value)
    {
        if (TryParseLiteral(value, out var doc))
        {
            using (doc)
            {
                doc!.RootElement.WriteTo(w);
                return;
            }
        }

        w.WriteStringValue(value);
    }

    /// <summary>
    /// With no schema for the tool there is no type to follow: only what is JSON as written decodes (<c>42</c>,
    /// <c>true</c>, <c>null</c>, <c>{…}</c>); Python or other spellings (<c>True</c>, <c>None</c>) stay text.
    /// </summary>
    private static void WriteUntyped(Utf8JsonWriter w, ReadOnlySpan<char> value)
    {
        if (TryParseLiteral(value, out var doc, exact: true))
        {
            using (doc)
            {
                if (doc!.RootElement.ValueKind != JsonValueKind.String)
                {
                    doc.RootElement.WriteTo(w);
                    return;
                }
            }
        }

        w.WriteStringValue(value);
    }

    /// <summary>Writes a value typed by its schema; <paramref name="pythonDepth"/> &gt; 0 also reads Python literals for objects and arrays.</summary>
    private static void WriteTyped(Utf8JsonWriter w, ReadOnlySpan<char> value, JsonElement propertySchema, int pythonDepth = 0)
    {
        var types = TypesOf(propertySchema);
        if (types.Count == 0 || (types.Count == 1 && types.Contains("string")))
        {
            w.WriteStringValue(value);
            return;
        }

        if (TryParseLiteral(value, out var doc))
        {
            using (doc)
            {
                var kind = doc!.RootElement.ValueKind;
                if (!types.Contains("string") || Matches(kind, types))
                {
                    doc.RootElement.WriteTo(w);
                    return;
                }
            }
        }
        else if (pythonDepth > 0 && (types.Contains("object") || types.Contains("array")) && PythonCalls.TryLiteral(value, pythonDepth, out var json))
        {
            w.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        w.WriteStringValue(value);
    }

    private static bool Matches(JsonValueKind kind, HashSet<string> types) => kind switch
    {
        JsonValueKind.Object => types.Contains("object"),
        JsonValueKind.Array => types.Contains("array"),
        JsonValueKind.Number => types.Contains("number") || types.Contains("integer"),
        JsonValueKind.True or JsonValueKind.False => types.Contains("boolean"),
        JsonValueKind.Null => types.Contains("null"),
        _ => false,
    };

    /// <summary>
    /// Writes one raw value: read as JSON where it parses when <paramref name="untyped"/> (the tool has no schema), as a
    /// string when the schema does not list the property (<paramref name="propertySchema"/> null), else typed by it.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter w, ReadOnlySpan<char> value, JsonElement? propertySchema, bool untyped)
    {
        if (untyped)
        {
            WriteUntyped(w, value);
        }
        else if (propertySchema is { } prop)
        {
            WriteTyped(w, value, prop);
        }
        else
        {
            w.WriteStringValue(value);
        }
    }

    /// <summary>The JSON types a property schema allows (<c>type</c>, <c>anyOf</c>/<c>oneOf</c> alternatives; <c>enum</c> alone is a string).</summary>
    public static HashSet<string> TypesOf(JsonElement schema)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return types;
        }

        if (schema.TryGetProperty("type", out var t))
        {
            if (t.ValueKind == JsonValueKind.String)
            {
                types.Add(t.GetString()!);
            }
            else if (t.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in t.EnumerateArray())
                {
                    if (x.ValueKind == JsonValueKind.String)
                    {
                        types.Add(x.GetString()!);
                    }
                }
            }
        }

        foreach (var union in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(union, out var alts) && alts.ValueKind == JsonValueKind.Array)
            {
                foreach (var alt in alts.EnumerateArray())
                {
                    types.UnionWith(TypesOf(alt));
                }
            }
        }

        if (types.Count == 0 && schema.TryGetProperty("enum", out _))
        {
            types.Add("string");
        }

        return types;
    }

    /// <summary>Parses a raw value as JSON, accepting (unless <paramref name="exact"/>) Python-style and any-case <c>true</c>/<c>false</c>/<c>null</c>.</summary>
    private static bool TryParseLiteral(ReadOnlySpan<char> value, out JsonDocument? doc, bool exact = false)
    {
        var trimmed = value.Trim();
        doc = null;
        if (trimmed.IsEmpty)
        {
            return false;
        }

        string? literal = exact ? null
            : trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true"
            : trimmed.Equals("false", StringComparison.OrdinalIgnoreCase) ? "false"
            : trimmed.Equals("null", StringComparison.OrdinalIgnoreCase) || trimmed.SequenceEqual("None") ? "null"
            : null;
        try
        {
            doc = JsonDocument.Parse(literal ?? Utf16Text.ToValidJson(trimmed));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
