using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>JSON helpers of the loop: element conversion, canonical forms for duplicate detection, result text.</summary>
internal static class ToolLoopJson
{
    private static readonly JsonElement s_null = JsonDocument.Parse("null").RootElement.Clone();

    private static readonly JsonSerializerOptions s_options = CreateOptions();

    /// <summary>M.E.AI's default options without indentation: results and notes go to the model compactly.</summary>
    public static JsonSerializerOptions Options => s_options;

    public static JsonElement ToElement(object? value) => value switch
    {
        null => s_null,
        JsonElement e => e,
        JsonDocument d => d.RootElement,
        _ => JsonSerializer.SerializeToElement(value, Options.GetTypeInfo(typeof(object))),
    };

    public static string Serialize(object? value) => value switch
    {
        JsonElement e => e.GetRawText(),
        _ => JsonSerializer.Serialize(value, Options.GetTypeInfo(typeof(object))),
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The text a model sees for a tool result (strings as-is, anything else as JSON).</summary>
    public static string ResultText(object? result) => result switch
    {
        null => "null",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        _ => Serialize(result),
    };

    /// <summary>
    /// F36: the result as the model gets it, cut to <paramref name="limit"/> characters of its text with a note saying
    /// so; the same instance when it fits.
    /// </summary>
    public static FunctionResultContent CapResult(FunctionResultContent result, int? limit, ILogger? logger = null)
    {
        if (limit is not { } cap || result.Result is null)
        {
            return result;
        }

        if (result.Result is string s && s.Length <= cap)
        {
            return result;
        }

        // A JSON result's text has at most as many characters as its UTF-8 form has bytes: when those fit, so does
        // the text, which is then not made just to be measured.
        if (result.Result is JsonElement element && element.ValueKind != JsonValueKind.Undefined && JsonMarshal.GetRawUtf8Value(element).Length <= cap)
        {
            return result;
        }

        var text = ResultText(result.Result);
        if (text.Length <= cap)
        {
            return result;
        }

        var cut = char.IsHighSurrogate(text[cap - 1]) ? cap - 1 : cap;
        if (logger is not null)
        {
            ToolLoopLog.ResultCapped(logger, result.CallId, text.Length, cap);
        }

        return new FunctionResultContent(result.CallId, string.Concat(
            text.AsSpan(0, cut),
            $"\n[Result cut: these are the first {cut.ToString("N0", CultureInfo.InvariantCulture)} of its {text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters.]"))
        {
            Exception = result.Exception,
            AdditionalProperties = result.AdditionalProperties,
            RawRepresentation = result.RawRepresentation,
        };
    }

    /// <summary>Arguments as canonical JSON: keys sorted ordinally, numbers normalised, no whitespace.</summary>
    public static string Canonical(IDictionary<string, object?>? arguments)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (arguments is not null)
            {
                foreach (var pair in arguments.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(pair.Key);
                    WriteCanonical(writer, ToElement(pair.Value));
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(NormalizeNumber(element.GetRawText()), skipInputValidation: true);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string NormalizeNumber(string raw)
    {
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d.ToString("G29", CultureInfo.InvariantCulture);
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x.ToString("R", CultureInfo.InvariantCulture)
            : raw;
    }
}
