using System.Text.Json;

namespace ToolLoop;

/// <summary>The whole parse of one model output.</summary>
/// <param name="Content">Visible text with markup removed.</param>
/// <param name="Reasoning">Reasoning text.</param>
/// <param name="Calls">Tool calls in output order.</param>
/// <param name="Problems">Call-shaped text that could not be delivered as a call, with its raw text.</param>
public sealed record ToolCallParseResult(
    string Content,
    string Reasoning,
    IReadOnlyList<ParsedToolCall> Calls,
    IReadOnlyList<ToolCallParseProblem> Problems)
{
    /// <summary>
    /// Writes the result as <c>{"content", "reasoning", "calls": [{"id", "name", "arguments", "healed", "additional_fields"?}], "problems": [{"kind", "message", "raw", "tool"?}]}</c>,
    /// with each call's arguments (and additional fields, when it has any) as a JSON object, and a problem's tool name
    /// when it was readable. This is the shape the <c>toolloop parse</c> command prints.
    /// </summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("content", Content);
        writer.WriteString("reasoning", Reasoning);
        writer.WriteStartArray("calls");
        foreach (var call in Calls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WritePropertyName("arguments");
            using (var doc = JsonDocument.Parse(call.ArgumentsJson))
            {
                doc.RootElement.WriteTo(writer);
            }

            writer.WriteBoolean("healed", call.Healed);
            if (call.AdditionalFieldsJson is not null)
            {
                writer.WritePropertyName("additional_fields");
                using var extra = JsonDocument.Parse(call.AdditionalFieldsJson);
                extra.RootElement.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("problems");
        foreach (var problem in Problems)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", problem.Kind.ToString());
            writer.WriteString("message", problem.Message);
            writer.WriteString("raw", problem.RawText);
            if (problem.ToolName is not null)
            {
                writer.WriteString("tool", problem.ToolName);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Returns the result as indented JSON (see <see cref="WriteTo"/>), non-ASCII kept as is.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonText.Relaxed with { Indented = true }))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
