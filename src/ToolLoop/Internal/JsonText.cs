using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ToolLoop;

/// <summary>Small JSON writing helpers without reflection (the library is trimming- and AOT-safe).</summary>
internal static class JsonText
{
    /// <summary>Writer options that keep non-ASCII text readable: model arguments are data, not HTML.</summary>
    public static JsonWriterOptions Relaxed { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a JSON object with the given properties; values may be string, bool, long, double or null.</summary>
    public static string Object(IEnumerable<KeyValuePair<string, object?>> properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStartObject();
            foreach (var (key, value) in properties)
            {
                w.WritePropertyName(key);
                switch (value)
                {
                    case null:
                        w.WriteNullValue();
                        break;
                    case string s:
                        w.WriteStringValue(s);
                        break;
                    case bool b:
                        w.WriteBooleanValue(b);
                        break;
                    case long l:
                        w.WriteNumberValue(l);
                        break;
                    case double d:
                        w.WriteNumberValue(d);
                        break;
                    default:
                        w.WriteStringValue(value.ToString());
                        break;
                }
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
