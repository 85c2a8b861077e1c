using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>The schemas <c>AIFunctionFactory</c> declares for typical C# tool methods, with argument objects.</summary>
public static class FunctionSchemas
{
    public enum Unit
    {
        Celsius,
        Fahrenheit,
    }

    public sealed record Address(string Street, int? Number, List<string> Tags);

    public sealed class Node
    {
        public string Name { get; set; } = "";

        public Node? Next { get; set; }
    }

    [Description("Gets the weather")]
    public static string Weather([Description("The city")] string city, Unit unit = Unit.Celsius, int days = 3) => $"{city} {unit} {days}";

    public static string Scalars(int i, long l, double d, float f, decimal m, bool b, DateTime dt, DateTimeOffset dto, Guid g, TimeSpan ts, Uri u, int? ni, string? ns = null, byte by = 1, DateOnly day = default, TimeOnly time = default)
        => string.Join(",", i, l, d, f, m, b, dt, dto, g, ts, u, ni, ns, by, day, time);

    public static string Collections(string[] arr, List<int> li, Dictionary<string, int> dict, Address addr, Node node, int[]? maybe = null)
        => $"{arr.Length} {li.Count} {dict.Count} {addr} {node.Name} {maybe?.Length}";

    public static string NoArguments() => "ok";

    public static string Schema(Delegate method) => AIFunctionFactory.Create(method).JsonSchema.GetRawText();

    private const string Uuid = "\"12345678-1234-1234-1234-123456789abc\"";

    private const string ScalarsRequired = "\"i\":1,\"l\":-2,\"d\":1.5,\"f\":2,\"m\":3.25,\"b\":true,\"dt\":\"2024-01-01T10:00:00Z\",\"dto\":\"2024-01-01T10:00:00+02:00\",\"g\":" + Uuid + ",\"ts\":\"01:02:03\",\"u\":\"https://example.com\",\"ni\":null";

    public static IEnumerable<SchemaLanguageCorpus.Entry> Entries() =>
    [
        new("AIFunctionFactory: Weather(string, enum, int)", Schema(Weather),
            ["{\"city\":\"Paris\"}", "{\"city\":\"Paris\",\"unit\":\"Fahrenheit\",\"days\":5}", "{\"city\": \"Paris\", \"days\": -1}"],
            ["{\"city\":\"Paris\",\"unit\":\"Kelvin\"}", "{\"unit\":\"Celsius\"}", "{\"city\":1}", "{\"city\":\"x\",\"days\":\"3\"}"],
            ["{\"city\":\"Paris\",\"other\":1}"]),
        new("AIFunctionFactory: scalars, dates, Guid, TimeSpan, nullable", Schema(Scalars),
            ["{" + ScalarsRequired + "}", "{" + ScalarsRequired.Replace("\"ni\":null", "\"ni\":7", StringComparison.Ordinal) + ",\"ns\":\"x\",\"by\":255,\"day\":\"2024-02-29\"}",
             "{" + ScalarsRequired.Replace("\"01:02:03\"", "\"-1.02:03:04.5\"", StringComparison.Ordinal) + ",\"ns\":null}"],
            ["{" + ScalarsRequired.Replace("\"01:02:03\"", "\"1:2:3\"", StringComparison.Ordinal) + "}", "{" + ScalarsRequired.Replace(",\"ni\":null", "", StringComparison.Ordinal) + "}",
             "{" + ScalarsRequired.Replace("\"b\":true", "\"b\":\"true\"", StringComparison.Ordinal) + "}", "{" + ScalarsRequired + ",\"day\":\"2023-02-29\"}"],
            Wider: ["{" + ScalarsRequired + ",\"time\":\"12:30:00\"}"]),
        new("AIFunctionFactory: arrays, dictionary, record, recursive class", Schema(Collections),
            ["{\"arr\":[\"a\"],\"li\":[1,2],\"dict\":{\"x\":1},\"addr\":{\"street\":\"s\",\"number\":null,\"tags\":[]},\"node\":{\"name\":\"n\",\"next\":{\"name\":\"m\",\"next\":null}}}",
             "{\"arr\":[],\"li\":[],\"dict\":{},\"addr\":{\"street\":\"s\",\"number\":3,\"tags\":[\"t\"]},\"node\":{},\"maybe\":null}"],
            ["{\"arr\":[1],\"li\":[],\"dict\":{},\"addr\":{\"street\":\"s\",\"number\":null,\"tags\":[]},\"node\":{}}",
             "{\"arr\":[],\"li\":[],\"dict\":{\"x\":\"y\"},\"addr\":{\"street\":\"s\",\"number\":null,\"tags\":[]},\"node\":{}}",
             "{\"arr\":[],\"li\":[],\"dict\":{},\"addr\":{\"street\":\"s\",\"tags\":[]},\"node\":{}}",
             "{\"arr\":[],\"li\":[],\"dict\":{},\"addr\":{\"street\":\"s\",\"number\":null,\"tags\":[]},\"node\":{\"next\":{\"name\":1}}}"]),
        new("AIFunctionFactory: no arguments", Schema(NoArguments), ["{}"], ["[]", "null"]),
    ];

    /// <summary>The time argument the grammar accepts though JSON Schema's <c>time</c> needs an offset: .NET reads it, and cannot read the offset form.</summary>
    public static (TimeOnly WithoutOffset, bool OffsetReadable) TimeOnlyJson()
    {
        var withoutOffset = JsonSerializer.Deserialize<TimeOnly>("\"12:30:00\"");
        try
        {
            JsonSerializer.Deserialize<TimeOnly>("\"12:30:00Z\"");
            return (withoutOffset, true);
        }
        catch (JsonException)
        {
            return (withoutOffset, false);
        }
    }
}
