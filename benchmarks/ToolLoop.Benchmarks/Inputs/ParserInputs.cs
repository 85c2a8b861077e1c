using System.Text.Json;
using System.Text.Json.Nodes;
using ToolLoop.Tests.Parsing;

namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// The parser benchmarks' inputs, per family (the conformance suite's <see cref="FamilySamples"/> write the calls, so a
/// family added there is benchmarked too). <c>TOOLLOOP_BENCH_FAMILIES=hermes,gemma4</c> narrows the families for a
/// quicker run.
/// </summary>
internal static class ParserInputs
{
    /// <summary>Tokens per byte of model output, for naming sizes: about four bytes per token.</summary>
    public const int BytesPerToken = 4;

    private const string SearchArgsSample = """{"query": "x", "max_results": 1, "filters": {"lang": "en"}}""";
    private const string WriteFileArgsSample = """{"path": "x", "content": "x"}""";
    private static readonly JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the families to benchmark.</summary>
    public static IReadOnlyList<FamilySample> Families { get; } = SelectFamilies();

    /// <summary>Gets the sizes of the long-argument and streaming inputs, in tokens.</summary>
    public static IReadOnlyList<int> TokenSizes { get; } = [1024, 4096, 16384];

    /// <summary>The declared tools a parsing client passes: <c>search</c> and <c>write_file</c>, typed so tagged families decode values as written.</summary>
    public static ToolCallParserOptions Options() => FamilySample.OptionsFor(("search", SearchArgsSample), ("write_file", WriteFileArgsSample));

    /// <summary>Prose with no markers: <paramref name="utf8Bytes"/> bytes of content.</summary>
    public static ParserInput Prose(FamilySample family, int utf8Bytes, string? shape = null) =>
        new(shape ?? $"prose-{Size(utf8Bytes)}", family, SyntheticText.Prose(utf8Bytes), Options(), []);

    /// <summary>About 8 KB of reasoning (content for families without reasoning), a line of content, then three <c>search</c> calls with about 1 KB of arguments each.</summary>
    public static ParserInput ReasoningThenCalls(FamilySample family)
    {
        var text = new System.Text.StringBuilder();
        string reasoning = SyntheticText.Prose(8 * 1024, seed: 2);
        text.Append(family.HasReasoning ? family.ReasoningOpen + reasoning + family.ReasoningClose : reasoning + "\n\n");
        text.Append("I will search three sources.\n");
        var calls = new List<ExpectedCall>();
        for (int i = 0; i < 3; i++)
        {
            var args = new JsonObject
            {
                ["query"] = SyntheticText.Prose(900, seed: 10 + i).TrimEnd(),
                ["max_results"] = 10 + i,
                ["filters"] = new JsonObject { ["lang"] = "en", ["site"] = "docs.example.org", ["after"] = "2025-01-01" },
            };
            string json = args.ToJsonString(s_json);
            calls.Add(new ExpectedCall("search", json));
            text.Append(family.Call("search", json, i)).Append('\n');
        }

        return new ParserInput("reasoning+3calls", family, text.ToString(), Options(), calls);
    }

    /// <summary>A line of content, then one <c>write_file</c> call whose <c>content</c> is Python source of about <paramref name="tokens"/> tokens once JSON-encoded.</summary>
    public static ParserInput WriteFile(FamilySample family, int tokens)
    {
        var args = new JsonObject { ["path"] = "src/handlers.py", ["content"] = SyntheticText.PythonSource(tokens * BytesPerToken) };
        string json = args.ToJsonString(s_json);
        string text = "I will write the file.\n" + family.Call("write_file", json) + "\n";
        return new ParserInput($"write_file-{tokens / 1024}k", family, text, Options(), [new ExpectedCall("write_file", json)]);
    }

    /// <summary>Formats a byte count as the shape names show it (<c>64KB</c>, <c>1MB</c>).</summary>
    public static string Size(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20}MB" : $"{bytes >> 10}KB";

    private static FamilySample[] SelectFamilies()
    {
        string? filter = Environment.GetEnvironmentVariable("TOOLLOOP_BENCH_FAMILIES");
        if (string.IsNullOrWhiteSpace(filter))
        {
            return FamilySamples.Families;
        }

        var keys = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = keys.Where(k => !FamilySamples.Families.Any(f => f.Key == k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"TOOLLOOP_BENCH_FAMILIES names unknown families {string.Join(", ", unknown)}; known: {string.Join(", ", FamilySamples.Families.Select(f => f.Key))}");
        }

        return [.. FamilySamples.Families.Where(f => keys.Contains(f.Key))];
    }
}
