using System.Text.Json;

namespace ToolLoop.Cli;

/// <summary>
/// A tool as the command line reads it: a name, or an object <c>{"name", "description", "parameters"}</c>, also in
/// OpenAI's wrapped shape <c>{"type": "function", "function": {...}}</c>.
/// </summary>
internal sealed record ToolDeclaration(string Name, string? Description, JsonElement? Parameters)
{
    /// <summary>Reads a JSON array of tools; a wrong shape is a <see cref="FormatException"/> saying which entry.</summary>
    public static List<ToolDeclaration> ReadAll(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the tools must be an array");
        }

        var result = new List<ToolDeclaration>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            index++;
            switch (tool.ValueKind)
            {
                case JsonValueKind.String when !string.IsNullOrWhiteSpace(tool.GetString()):
                    result.Add(new ToolDeclaration(tool.GetString()!, null, null));
                    break;
                case JsonValueKind.Object:
                    var fn = tool.TryGetProperty("function", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : tool;
                    if (!fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                    {
                        throw new FormatException($"tool {index} needs a \"name\" string");
                    }

                    string? description = fn.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    JsonElement? parameters = null;
                    if (fn.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
                    {
                        parameters = p.ValueKind == JsonValueKind.Object
                            ? p.Clone()
                            : throw new FormatException($"tool {index} ({name.GetString()}): \"parameters\" must be a JSON schema object");
                    }

                    result.Add(new ToolDeclaration(name.GetString()!, description, parameters));
                    break;
                default:
                    throw new FormatException($"tool {index} must be a name or an object");
            }
        }

        return result;
    }
}
