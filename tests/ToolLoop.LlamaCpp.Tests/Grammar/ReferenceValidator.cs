using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// Whether a JSON text is valid against a schema, by JsonSchema.Net, with the formats the grammar enforces validated
/// (date, time, date-time, uuid) and the others read as annotations.
/// </summary>
public static class ReferenceValidator
{
    private static readonly EvaluationOptions s_options = new() { RequireFormatValidation = true };

    public static bool IsValid(string schema, string instance)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(instance);
        }
        catch (JsonException)
        {
            return false;
        }

        using (doc)
        {
            return JsonSchema.FromText(ToDraft2020(schema)).Evaluate(doc.RootElement, s_options).IsValid;
        }
    }

    // JsonSchema.Net reads draft 2020-12 strictly: a tuple is "prefixItems" and definitions are "$defs"; llama.cpp's
    // cases also use the older spellings.
    private static string ToDraft2020(string schema)
    {
        var node = JsonNode.Parse(schema);
        void Walk(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                if (o["definitions"] is JsonObject definitions)
                {
                    o.Remove("definitions");
                    o["$defs"] = definitions;
                }

                if (o["$ref"] is JsonValue reference && reference.GetValue<string>().StartsWith("#/definitions/", StringComparison.Ordinal))
                {
                    o["$ref"] = "#/$defs/" + reference.GetValue<string>()["#/definitions/".Length..];
                }

                // The grammar enforces these formats; others (uri, email, …) are annotations, as in llama.cpp.
                if (o["format"] is JsonValue format && format.GetValueKind() == JsonValueKind.String
                    && format.GetValue<string>() is not ("date" or "time" or "date-time" or "uuid"))
                {
                    o.Remove("format");
                }

                if (o["items"] is JsonArray items)
                {
                    o.Remove("items");
                    o["prefixItems"] = items;
                    o["items"] = false;
                }

                foreach (var (_, child) in o.ToList())
                {
                    Walk(child);
                }
            }
            else if (n is JsonArray a)
            {
                foreach (var child in a)
                {
                    Walk(child);
                }
            }
        }

        Walk(node);
        return node!.ToJsonString();
    }

    /// <summary>Whether the text is JSON at all (RFC 8259, as System.Text.Json reads it).</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
