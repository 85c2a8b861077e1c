using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Checks a call's arguments against its tool's JSON Schema (features 9 and 41). The mistakes small models make most
/// (a missing required property, a wrong type, a value outside an enum, an unknown property where
/// <c>additionalProperties</c> is <c>false</c>) are checked directly and worded for the model; a schema that says more
/// (ranges, patterns, lengths, nested objects, array items, <c>oneOf</c>, <c>const</c>, <c>$ref</c>…) is then
/// evaluated in full with JsonSchema.Net (draft 2020-12 by default). Each schema is inspected once per
/// <see cref="AIFunctionDeclaration"/>; the full evaluator is built only for schemas that need it.
/// </summary>
internal static class ToolSchemaValidator
{
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, SchemaInfo> s_info = [];

    private static readonly HashSet<string> s_rootKeywords = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "title", "description", "$schema", "default", "examples",
    };

    private static readonly HashSet<string> s_propertyKeywords = new(StringComparer.Ordinal)
    {
        "type", "enum", "title", "description", "default", "examples",
    };

    private static readonly EvaluationOptions s_evaluation = new() { OutputFormat = OutputFormat.List };

    /// <summary>Validates against <paramref name="function"/>'s schema: the direct checks, then the full evaluation when the schema needs it.</summary>
    public static List<string>? Validate(IDictionary<string, object?>? arguments, AIFunctionDeclaration function) => Validate(arguments, Info(function));

    /// <summary>Validates against a schema read with <see cref="Info"/>: the direct checks, then the full evaluation when the schema needs it.</summary>
    public static List<string>? Validate(IDictionary<string, object?>? arguments, SchemaInfo info) => Validate(arguments, info, argumentsChecked: false);

    /// <summary>
    /// As <see cref="Validate(IDictionary{string, object}, SchemaInfo)"/>; with <paramref name="argumentsChecked"/> the
    /// per-argument direct checks are skipped, as <see cref="ToolArgumentHealer.Heal"/> found they have nothing to report.
    /// </summary>
    public static List<string>? Validate(IDictionary<string, object?>? arguments, SchemaInfo info, bool argumentsChecked)
        => Direct(arguments, info, argumentsChecked) ?? info.Full?.Evaluate(arguments);

    /// <summary>What is read once from <paramref name="function"/>'s schema (cached for the function's lifetime).</summary>
    public static SchemaInfo Info(AIFunctionDeclaration function) => s_info.GetValue(function, static f => new SchemaInfo(f.JsonSchema));

    /// <summary>The direct checks; <see langword="null"/> when they find nothing.</summary>
    private static List<string>? Direct(IDictionary<string, object?>? arguments, SchemaInfo info, bool argumentsChecked)
    {
        List<string>? problems = null;
        if (info.Schema.ValueKind != JsonValueKind.Object)
        {
            return problems;
        }

        foreach (var n in info.Required)
        {
            if (arguments is null || !arguments.ContainsKey(n))
            {
                (problems ??= []).Add($"missing required parameter '{n}'");
            }
        }

        if (arguments is null || argumentsChecked)
        {
            return problems;
        }

        if (arguments is Dictionary<string, object?> dictionary)
        {
            // The concrete type's enumerator: no boxing on the loop's hot path.
            foreach (var pair in dictionary)
            {
                CheckOne(pair, info, ref problems);
            }
        }
        else
        {
            foreach (var pair in arguments)
            {
                CheckOne(pair, info, ref problems);
            }
        }

        return problems;
    }

    private static void CheckOne(KeyValuePair<string, object?> pair, SchemaInfo info, ref List<string>? problems)
    {
        if (info.Properties is not { } properties || !properties.TryGetValue(pair.Key, out var property))
        {
            if (info.Closed)
            {
                (problems ??= []).Add($"unknown parameter '{pair.Key}'");
            }

            return;
        }

        if (!property.Accepts(pair.Value))
        {
            (problems ??= []).Add($"parameter '{pair.Key}' must be {string.Join(" or ", DeclaredTypes(property.Schema))} but was {Describe(ToolLoopJson.ToElement(pair.Value))}");
            return;
        }

        if (property.HasEnum && !InEnum(property.Enum, pair.Value))
        {
            (problems ??= []).Add($"parameter '{pair.Key}' must be one of {property.Enum.GetRawText()}");
        }
    }

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="options"/>; a CLR string is compared in place, without serializing it.</summary>
    private static bool InEnum(JsonElement options, object? value)
    {
        if (value is string s)
        {
            foreach (var option in options.EnumerateArray())
            {
                if (option.ValueKind == JsonValueKind.String && option.ValueEquals(s))
                {
                    return true;
                }
            }

            return false;
        }

        var element = ToolLoopJson.ToElement(value);
        foreach (var option in options.EnumerateArray())
        {
            if (JsonElement.DeepEquals(option, element))
            {
                return true;
            }
        }

        return false;
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
            if (Matches(value, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> has one of the types a schema's <c>type</c> keyword names (a string or an array of strings); any other <c>type</c> matches.</summary>
    public static bool Matches(JsonElement value, JsonElement type)
    {
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                return MatchesTypeName(value, type);
            case JsonValueKind.Array:
                var any = false;
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind == JsonValueKind.String)
                    {
                        any = true;
                        if (MatchesTypeName(value, t))
                        {
                            return true;
                        }
                    }
                }

                return !any;
            default:
                return true;
        }
    }

    /// <summary>As <see cref="Matches(JsonElement, string)"/> for a <c>type</c> keyword's string, compared in place (no string made per check).</summary>
    private static bool MatchesTypeName(JsonElement value, JsonElement type)
        => type.ValueEquals("string") ? value.ValueKind == JsonValueKind.String
            : type.ValueEquals("integer") ? value.ValueKind == JsonValueKind.Number && IsInteger(value)
            : type.ValueEquals("number") ? value.ValueKind == JsonValueKind.Number
            : type.ValueEquals("boolean") ? value.ValueKind is JsonValueKind.True or JsonValueKind.False
            : type.ValueEquals("object") ? value.ValueKind == JsonValueKind.Object
            : type.ValueEquals("array") ? value.ValueKind == JsonValueKind.Array
            : !type.ValueEquals("null") || value.ValueKind == JsonValueKind.Null;

    private static bool Matches(JsonElement value, string type) => type switch
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

    private static bool IsInteger(JsonElement value)
        => value.TryGetInt64(out _)
            || (decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d));

    private static string[] RequiredNames(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var names = new List<string>(required.GetArrayLength());
        foreach (var name in required.EnumerateArray())
        {
            if (name.ValueKind == JsonValueKind.String)
            {
                names.Add(name.GetString()!);
            }
        }

        return [.. names];
    }

    /// <summary>Whether the direct checks already cover everything <paramref name="schema"/> says.</summary>
    private static bool DirectChecksSuffice(JsonElement schema)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!s_rootKeywords.Contains(keyword.Name)
                || (keyword.Name == "additionalProperties" && keyword.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                || (keyword.Name == "type" && !(keyword.Value.ValueKind == JsonValueKind.String && keyword.Value.GetString() == "object")))
            {
                return false;
            }
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (var keyword in property.Value.EnumerateObject())
                {
                    if (!s_propertyKeywords.Contains(keyword.Name))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>What is read once from a function's schema: the lookups the checks and the healer make per call.</summary>
    public sealed class SchemaInfo
    {
        public SchemaInfo(JsonElement schema)
        {
            Schema = schema;
            Required = RequiredNames(schema);
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            Closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
            if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                Properties = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
                foreach (var property in properties.EnumerateObject())
                {
                    var value = property.Value;
                    var isObject = value.ValueKind == JsonValueKind.Object;
                    JsonElement type = default, allowed = default;
                    var hasType = isObject && value.TryGetProperty("type", out type);
                    var hasEnum = isObject && value.TryGetProperty("enum", out allowed) && allowed.ValueKind == JsonValueKind.Array;
                    Properties.TryAdd(property.Name, new PropertyInfo(value, type, hasType, allowed, hasEnum));
                }
            }

            Full = FullSchema.Create(schema);
        }

        public JsonElement Schema { get; }

        public string[] Required { get; }

        public bool Closed { get; }

        /// <summary><see langword="null"/> when the schema declares no properties.</summary>
        public Dictionary<string, PropertyInfo>? Properties { get; }

        public FullSchema? Full { get; }
    }

    /// <summary>One declared property: its schema and, when present, its <c>type</c> (also as a set of JSON kinds) and <c>enum</c>.</summary>
    public readonly record struct PropertyInfo(JsonElement Schema, JsonElement Type, bool HasType, JsonElement Enum, bool HasEnum)
    {
        public JsonValueTypes Types { get; } = HasType ? ToTypes(Type) : JsonValueTypes.All;

        /// <summary>
        /// As <see cref="Accepts(JsonElement)"/> for an argument as the call holds it. The CLR values a provider or a
        /// caller puts in arguments most often (strings, booleans, whole numbers, null) are judged by their type, as
        /// they serialize to one JSON kind; anything else is serialized first.
        /// </summary>
        public bool Accepts(object? value) => value switch
        {
            JsonElement e => Accepts(e),
            _ when Types == JsonValueTypes.All => true,
            null => (Types & JsonValueTypes.Null) != 0,
            string => (Types & JsonValueTypes.String) != 0,
            bool => (Types & JsonValueTypes.Boolean) != 0,
            int or long => (Types & (JsonValueTypes.Number | JsonValueTypes.Integer)) != 0,
            _ => Accepts(ToolLoopJson.ToElement(value)),
        };

        public bool Accepts(JsonElement value) => value.ValueKind switch
        {
            _ when Types == JsonValueTypes.All => true,
            JsonValueKind.String => (Types & JsonValueTypes.String) != 0,
            JsonValueKind.Number => (Types & JsonValueTypes.Number) != 0 || ((Types & JsonValueTypes.Integer) != 0 && IsInteger(value)),
            JsonValueKind.True or JsonValueKind.False => (Types & JsonValueTypes.Boolean) != 0,
            JsonValueKind.Object => (Types & JsonValueTypes.Object) != 0,
            JsonValueKind.Array => (Types & JsonValueTypes.Array) != 0,
            JsonValueKind.Null => (Types & JsonValueTypes.Null) != 0,
            _ => false,
        };
    }

    /// <summary>The JSON kinds a <c>type</c> keyword allows (<c>number</c> takes integers too; an unknown or missing type allows all).</summary>
    private static JsonValueTypes ToTypes(JsonElement type)
    {
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                return ToTypes(type.GetString()!);
            case JsonValueKind.Array:
                var set = JsonValueTypes.None;
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind == JsonValueKind.String)
                    {
                        set |= ToTypes(t.GetString()!);
                    }
                }

                return set == JsonValueTypes.None ? JsonValueTypes.All : set;
            default:
                return JsonValueTypes.All;
        }
    }

    private static JsonValueTypes ToTypes(string type) => type switch
    {
        "string" => JsonValueTypes.String,
        "integer" => JsonValueTypes.Integer,
        "number" => JsonValueTypes.Number | JsonValueTypes.Integer,
        "boolean" => JsonValueTypes.Boolean,
        "object" => JsonValueTypes.Object,
        "array" => JsonValueTypes.Array,
        "null" => JsonValueTypes.Null,
        _ => JsonValueTypes.All,
    };

    /// <summary>A schema evaluated in full by JsonSchema.Net, with its errors worded for the model.</summary>
    public sealed class FullSchema(JsonSchema schema)
    {
        public static FullSchema? Create(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object || DirectChecksSuffice(schema))
            {
                return null;
            }

            try
            {
                // A registry of its own: a schema's "$id" must not collide with another tool's in the global one.
                return new FullSchema(JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));
            }
#pragma warning disable CA1031 // A schema the evaluator cannot read is checked by the direct checks only, never a failed request.
            catch (Exception)
#pragma warning restore CA1031
            {
                return null;
            }
        }

        public List<string>? Evaluate(IDictionary<string, object?>? arguments)
        {
            var instance = JsonSerializer.SerializeToElement(arguments ?? new Dictionary<string, object?>(), ToolLoopJson.Options.GetTypeInfo(typeof(IDictionary<string, object?>)));
            var results = schema.Evaluate(instance, s_evaluation);
            if (results.IsValid)
            {
                return null;
            }

            var problems = new List<string>();
            Collect(results, problems);
            if (problems.Count == 0)
            {
                problems.Add("the arguments do not match the schema");
            }

            return problems;
        }

        private static void Collect(EvaluationResults results, List<string> problems)
        {
            if (results.Errors is { } errors)
            {
                var where = Where(results.InstanceLocation.ToString());
                foreach (var error in errors.Values)
                {
                    var line = where + ": " + error;
                    if (!problems.Contains(line))
                    {
                        problems.Add(line);
                    }
                }
            }

            foreach (var detail in results.Details ?? [])
            {
                Collect(detail, problems);
            }
        }

        /// <summary><c>/guest/rooms/0</c> → <c>parameter 'guest.rooms[0]'</c>.</summary>
        private static string Where(string pointer)
        {
            if (pointer.Length <= 1)
            {
                return "the arguments";
            }

            var sb = new StringBuilder("parameter '");
            var first = true;
            foreach (var raw in pointer[1..].Split('/'))
            {
                var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (!first && token.Length > 0 && token.All(char.IsAsciiDigit))
                {
                    sb.Append('[').Append(token).Append(']');
                }
                else
                {
                    sb.Append(first ? string.Empty : ".").Append(token);
                }

                first = false;
            }

            return sb.Append('\'').ToString();
        }
    }

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
