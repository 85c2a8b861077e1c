using System.Text.Json;
using Json.Schema;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>Whether a JSON text is valid against a schema, by JsonSchema.Net (formats validated, as the grammar enforces them).</summary>
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
            return JsonSchema.FromText(schema).Evaluate(doc.RootElement, s_options).IsValid;
        }
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
