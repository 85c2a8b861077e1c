using System.Globalization;
using System.Text.Json;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// Reads a JSON Schema into <see cref="SchemaNode"/>s with llama.cpp's precedence (<c>common/json-schema.cpp</c>):
/// <c>$ref</c>, then <c>oneOf</c>/<c>anyOf</c>, then a <c>type</c> array, then <c>const</c>, then <c>enum</c>, then
/// the type (or, without one, the structural keywords). Beyond llama.cpp it accepts boolean schemas, the root
/// reference <c>#</c>, escaped JSON Pointer tokens, and both <c>minimum</c> and <c>exclusiveMinimum</c> together
/// (the tighter bound wins, where llama.cpp ignores the exclusive one).
/// </summary>
internal sealed class SchemaReader
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, SchemaNode?> _refs = new(StringComparer.Ordinal);
    private readonly List<SchemaNode> _pending = [];

    private SchemaReader(JsonElement root)
    {
        _root = root;
    }

    /// <summary>Reads a whole schema document.</summary>
    /// <exception cref="SchemaConversionException">The schema is invalid or outside the supported subset.</exception>
    public static SchemaNode Read(JsonElement schema)
    {
        var reader = new SchemaReader(schema);
        var node = reader.Build(schema, "#", depth: 0);
        foreach (var r in reader._pending)
        {
            r.Target = reader._refs[r.Ref];
        }

        return node;
    }

    private const int MaxDepth = 64;

    private static SchemaConversionException Fail(string path, string message) => new($"JSON schema error at {path}: {message}");

    private SchemaNode Build(JsonElement schema, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Fail(path, $"nested deeper than {MaxDepth} levels");
        }

        if (schema.ValueKind == JsonValueKind.True)
        {
            return new SchemaNode(SchemaKind.Any);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, schema.ValueKind == JsonValueKind.False ? "the schema false accepts no value" : "schema must be an object");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return BuildRef(reference, path, depth);
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            return BuildAlternatives(SchemaKind.AnyOf, oneOf, path + "/oneOf", depth);
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            return BuildAlternatives(SchemaKind.AnyOf, anyOf, path + "/anyOf", depth);
        }

        schema.TryGetProperty("type", out var type);
        if (type.ValueKind == JsonValueKind.Array)
        {
            // {"type": ["a", "b"], ...} is {"anyOf": [{"type": "a", ...}, {"type": "b", ...}]}.
            if (type.GetArrayLength() == 0)
            {
                throw Fail(path, "type must not be empty");
            }

            var node = new SchemaNode(SchemaKind.AnyOf);
            var i = 0;
            foreach (var t in type.EnumerateArray())
            {
                node.Children.Add(BuildTyped(schema, t, $"{path}/type/{i++}", depth));
            }

            return node;
        }

        return BuildTyped(schema, type, path, depth);
    }

    private SchemaNode BuildTyped(JsonElement schema, JsonElement type, string path, int depth)
    {
        if (schema.TryGetProperty("const", out var constant))
        {
            return new SchemaNode(SchemaKind.Const) { Value = constant.Clone() };
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw Fail(path, "enum must be a non-empty array");
            }

            var node = new SchemaNode(SchemaKind.Enum);
            foreach (var v in values.EnumerateArray())
            {
                node.Values.Add(v.Clone());
            }

            return node;
        }

        if (type.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw Fail(path, "type must be a string or an array of strings");
        }

        var typeName = type.ValueKind == JsonValueKind.String ? type.GetString()! : "";
        var hasProperties = schema.TryGetProperty("properties", out _)
            || (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.True);
        switch (typeName)
        {
            case "":
                // Without a type the structural keywords decide, in llama.cpp's order.
                if (hasProperties)
                {
                    return BuildObject(schema, path, depth);
                }

                if (schema.TryGetProperty("allOf", out var allOf))
                {
                    return BuildAlternatives(SchemaKind.AllOf, allOf, path + "/allOf", depth);
                }

                if (schema.TryGetProperty("items", out _) || schema.TryGetProperty("prefixItems", out _))
                {
                    return BuildArray(schema, path, depth);
                }

                if (schema.TryGetProperty("pattern", out _) || schema.TryGetProperty("minLength", out _) || schema.TryGetProperty("maxLength", out _)
                    || GetFormat(schema, path) != StringFormat.None)
                {
                    return BuildString(schema, path);
                }

                return new SchemaNode(SchemaKind.Any);
            case "object":
                if (!hasProperties && schema.TryGetProperty("allOf", out var objectAllOf))
                {
                    return BuildAlternatives(SchemaKind.AllOf, objectAllOf, path + "/allOf", depth);
                }

                return BuildObject(schema, path, depth);
            case "string":
                if (schema.TryGetProperty("allOf", out var stringAllOf))
                {
                    return BuildAlternatives(SchemaKind.AllOf, stringAllOf, path + "/allOf", depth);
                }

                return BuildString(schema, path);
            case "array":
                return BuildArray(schema, path, depth);
            case "integer":
                return BuildInteger(schema, path);
            case "number":
                return new SchemaNode(SchemaKind.Number);
            case "boolean":
                return new SchemaNode(SchemaKind.Boolean);
            case "null":
                return new SchemaNode(SchemaKind.Null);
            default:
                throw Fail(path, "unrecognized type " + typeName);
        }
    }

    private SchemaNode BuildRef(JsonElement value, string path, int depth)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Fail(path, "$ref must be a string");
        }

        var reference = value.GetString()!;
        if (reference != "#" && !reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw Fail(path, $"unsupported $ref {reference}, only references into the same document are supported");
        }

        if (!_refs.ContainsKey(reference))
        {
            // Reserve the key first, so that a cycle back to this $ref stops here.
            _refs[reference] = null;
            _refs[reference] = Build(Resolve(reference, path), reference, depth + 1);
        }

        var node = new SchemaNode(SchemaKind.Ref) { Ref = reference };
        _pending.Add(node);
        return node;
    }

    private JsonElement Resolve(string reference, string path)
    {
        var target = _root;
        if (reference.Length <= 2)
        {
            return target;
        }

        foreach (var raw in reference[2..].Split('/'))
        {
            // JSON Pointer (RFC 6901) inside a URI fragment: percent-decoding, then ~1 → '/' and ~0 → '~'.
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty(token, out var child))
            {
                target = child;
            }
            else if (target.ValueKind == JsonValueKind.Array)
            {
                if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= target.GetArrayLength())
                {
                    throw Fail(path, $"cannot resolve $ref {reference}, {token} is out of range");
                }

                target = target[index];
            }
            else
            {
                throw Fail(path, $"cannot resolve $ref {reference}, {token} not found");
            }
        }

        return target;
    }

    private SchemaNode BuildAlternatives(SchemaKind kind, JsonElement alternatives, string path, int depth)
    {
        if (alternatives.ValueKind != JsonValueKind.Array)
        {
            throw Fail(path, "must be an array of schemas");
        }

        if (alternatives.GetArrayLength() == 0)
        {
            throw Fail(path, "must not be empty");
        }

        var node = new SchemaNode(kind);
        var i = 0;
        foreach (var alternative in alternatives.EnumerateArray())
        {
            node.Children.Add(Build(alternative, $"{path}/{i++}", depth + 1));
        }

        return node;
    }

    private SchemaNode BuildObject(JsonElement schema, string path, int depth)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredNames) && requiredNames.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in requiredNames.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String)
                {
                    required.Add(name.GetString()!);
                }
            }
        }

        SchemaNode? additionalProperties = null;
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (schema.TryGetProperty("additionalProperties", out var additional))
        {
            additionalProperties = additional.ValueKind switch
            {
                JsonValueKind.True => new SchemaNode(SchemaKind.Any),
                JsonValueKind.False => null,
                JsonValueKind.Object => Build(additional, path + "/additionalProperties", depth + 1),
                _ => throw Fail(path, "additionalProperties must be a boolean or a schema"),
            };
        }
        else if (!hasProperties)
        {
            // {"type": "object"} on its own accepts any object.
            additionalProperties = new SchemaNode(SchemaKind.Any);
        }

        var node = new SchemaNode(SchemaKind.Object) { AdditionalProperties = additionalProperties };
        if (hasProperties)
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path, "properties must be an object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in properties.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Fail(path, $"properties lists \"{property.Name}\" twice");
                }

                node.Properties.Add(new SchemaProperty(property.Name, Build(property.Value, path + "/properties/" + property.Name, depth + 1), required.Contains(property.Name)));
            }
        }

        return node;
    }

    private SchemaNode BuildArray(JsonElement schema, string path, int depth)
    {
        var hasItems = schema.TryGetProperty("items", out var items);
        var hasPrefix = schema.TryGetProperty("prefixItems", out var prefix);
        if (hasPrefix && prefix.ValueKind == JsonValueKind.Array && (!hasItems || items.ValueKind is JsonValueKind.False or JsonValueKind.Object or JsonValueKind.True))
        {
            // Draft 2020-12: prefixItems are the first items; "items" is the schema of the rest (false: none). llama.cpp
            // lets "items" win, so it drops the prefix, and it cannot read "items": false.
            var tuple = BuildTuple(prefix, $"{path}/prefixItems", depth);
            return hasItems && items.ValueKind != JsonValueKind.False
                ? new SchemaNode(SchemaKind.Tuple) { Items = Build(items, path + "/items", depth + 1) }.WithChildren(tuple.Children)
                : tuple;
        }

        var key = hasItems ? "items" : hasPrefix ? "prefixItems" : null;
        if (key is not null && (hasItems ? items : prefix) is { ValueKind: JsonValueKind.Array } list)
        {
            // Before draft 2020-12 a tuple was an "items" array.
            return BuildTuple(list, $"{path}/{key}", depth);
        }

        if (hasItems && items.ValueKind == JsonValueKind.False)
        {
            return new SchemaNode(SchemaKind.Tuple);
        }

        return new SchemaNode(SchemaKind.Array)
        {
            // As in llama.cpp, a prefixItems schema (not an array) is the item schema.
            Items = key is null ? new SchemaNode(SchemaKind.Any) : Build(hasItems ? items : prefix, $"{path}/{key}", depth + 1),
            MinItems = GetCount(schema, "minItems", path, 0),
            MaxItems = GetCount(schema, "maxItems", path, -1),
        };
    }

    private SchemaNode BuildTuple(JsonElement items, string path, int depth)
    {
        var tuple = new SchemaNode(SchemaKind.Tuple);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            tuple.Children.Add(Build(item, $"{path}/{i++}", depth + 1));
        }

        return tuple;
    }

    private static SchemaNode BuildString(JsonElement schema, string path)
    {
        string? pattern = null;
        if (schema.TryGetProperty("pattern", out var p))
        {
            if (p.ValueKind != JsonValueKind.String)
            {
                throw Fail(path, "pattern must be a string");
            }

            pattern = p.GetString();
        }

        return new SchemaNode(SchemaKind.String)
        {
            Pattern = pattern,
            Format = GetFormat(schema, path),
            MinLength = GetCount(schema, "minLength", path, 0),
            MaxLength = GetCount(schema, "maxLength", path, -1),
        };
    }

    private static SchemaNode BuildInteger(JsonElement schema, string path)
    {
        var node = new SchemaNode(SchemaKind.Integer)
        {
            Minimum = GetIntegerBound(schema, path, lower: true),
            Maximum = GetIntegerBound(schema, path, lower: false),
        };
        if (node.Minimum > node.Maximum)
        {
            throw Fail(path, $"no integer lies between the bounds {node.Minimum} and {node.Maximum}");
        }

        return node;
    }

    // The inclusive bound from "minimum"/"exclusiveMinimum" (or the maximum ones); both apply when both are given.
    private static long GetIntegerBound(JsonElement schema, string path, bool lower)
    {
        var (key, exclusiveKey, none) = lower ? ("minimum", "exclusiveMinimum", long.MinValue) : ("maximum", "exclusiveMaximum", long.MaxValue);
        var hasInclusive = schema.TryGetProperty(key, out var inclusive);
        var result = hasInclusive ? GetBound(inclusive, key, path, roundUp: lower) : none;
        if (schema.TryGetProperty(exclusiveKey, out var exclusive))
        {
            var bound = exclusive.ValueKind switch
            {
                // Draft 4: a boolean that makes "minimum" (or "maximum") exclusive.
                JsonValueKind.True when hasInclusive && inclusive.ValueKind == JsonValueKind.Number => GetBound(inclusive, key, path, roundUp: !lower),
                JsonValueKind.True or JsonValueKind.False => none,
                _ => GetBound(exclusive, exclusiveKey, path, roundUp: !lower),
            };
            if (bound != long.MinValue && bound != long.MaxValue)
            {
                result = lower ? Math.Max(result, bound + 1) : Math.Min(result, bound - 1);
            }
        }

        return result;
    }

    private static int GetCount(JsonElement schema, string key, string path, int fallback)
    {
        if (!schema.TryGetProperty(key, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
        {
            throw Fail(path, key + " must be a non-negative integer");
        }

        return (int)Math.Min(count, int.MaxValue);
    }

    // A fractional bound is rounded inwards, towards the integers it still admits.
    private static long GetBound(JsonElement value, string key, string path, bool roundUp)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Fail(path, key + " must be a number");
        }

        if (value.TryGetInt64(out var integer))
        {
            return integer;
        }

        var d = value.GetDouble();
        d = roundUp ? Math.Ceiling(d) : Math.Floor(d);

        // Bounds beyond the 64-bit range constrain nothing a 16-digit grammar number can reach.
        return d >= long.MaxValue ? long.MaxValue : d <= long.MinValue ? long.MinValue : (long)d;
    }

    private static StringFormat GetFormat(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("format", out var value))
        {
            return StringFormat.None;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Fail(path, "format must be a string");
        }

        return value.GetString() switch
        {
            "date" => StringFormat.Date,
            "time" => StringFormat.Time,
            "date-time" => StringFormat.DateTime,
            "uuid" or "uuid1" or "uuid2" or "uuid3" or "uuid4" or "uuid5" => StringFormat.Uuid,
            _ => StringFormat.None,
        };
    }
}
