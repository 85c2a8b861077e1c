using System.Globalization;
using System.Text.Json;

namespace ToolLoop;

/// <summary>
/// The part of JSON Schema small models get wrong: an object, required properties, declared types, enums and
/// <c>additionalProperties: false</c> (feature 9). Anything else in the schema is not checked.
/// </summary>
internal static class ToolSchemaValidator
{
    public static List<string> Validate(IDictionary<string, object?>? arguments, JsonElement schema)
    {
        var problems = new List<string>();
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return problems;
        }

        arguments ??= new Dictionary<string, object?>();
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.GetString() is { } n && !arguments.ContainsKey(n))
                {
                    problems.Add($"missing required parameter '{n}'");
                }
            }
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var pair in arguments)
        {
            if (!hasProperties || !properties.TryGetProperty(pair.Key, out var propertySchema))
            {
                if (closed)
                {
                    problems.Add($"unknown parameter '{pair.Key}'");
                }

                continue;
            }

            var value = ToolLoopJson.ToElement(pair.Value);
            var types = DeclaredTypes(propertySchema);
            if (types.Count > 0 && !Matches(value, types))
            {
                problems.Add($"parameter '{pair.Key}' must be {string.Join(" or ", types)} but was {Describe(value)}");
                continue;
            }

            if (propertySchema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
                && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
            {
                problems.Add($"parameter '{pair.Key}' must be one of {allowed.GetRawText()}");
            }
        }

        return problems;
    }

    public static IReadOnlyList<string> DeclaredTypes(JsonElement propertySchema)
    {
        if (propertySchema.ValueKind != JsonValueKind.Object || !propertySchema.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList(),
            _ => [],
        };
    }

    public static bool Matches(JsonElement value, IReadOnlyList<string> types)
    {
        foreach (var type in types)
        {
            var ok = type switch
            {
                "string" => value.ValueKind == JsonValueKind.String,
                "number" => value.ValueKind == JsonValueKind.Number,
                "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
                "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "object" => value.ValueKind == JsonValueKind.Object,
                "array" => value.ValueKind == JsonValueKind.Array,
                "null" => value.ValueKind == JsonValueKind.Null,
                _ => true,
            };
            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInteger(JsonElement value)
        => decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };
}
