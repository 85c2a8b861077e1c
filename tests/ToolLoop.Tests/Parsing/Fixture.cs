using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Parsing;

/// <summary>One fixture case: raw output bytes, the options to parse it with, and its snapshot path.</summary>
public sealed class Fixture
{
    private Fixture(string family, string name, byte[] input, ToolCallFormat format, ToolCallParserOptions options, string verifiedPath)
    {
        Family = family;
        Name = name;
        Input = input;
        Format = format;
        Options = options;
        VerifiedPath = verifiedPath;
    }

    public string Family { get; }

    public string Name { get; }

    public byte[] Input { get; }

    public ToolCallFormat Format { get; }

    public ToolCallParserOptions Options { get; }

    public string VerifiedPath { get; }

    public override string ToString() => $"{Family}/{Name}";

    public static IEnumerable<string> Ids()
        => Directory.EnumerateFiles(TestPaths.Fixtures, "*.txt", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.Fixtures, p)[..^4].Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static Fixture Load(string id)
    {
        var family = id[..id.IndexOf('/')];
        var name = id[(id.IndexOf('/') + 1)..];
        var dir = Path.Combine(TestPaths.Fixtures, family);
        var options = new ToolCallParserOptions();
        var formatName = family == "negative" ? "auto" : family;
        JsonNode? tools = null;
        var toolsPath = Path.Combine(dir, "tools.json");
        if (File.Exists(toolsPath))
        {
            tools = JsonNode.Parse(File.ReadAllText(toolsPath));
        }

        var optionsPath = Path.Combine(dir, name + ".options.json");
        if (File.Exists(optionsPath))
        {
            var o = JsonNode.Parse(File.ReadAllText(optionsPath))!.AsObject();
            if (o["format"] is { } f)
            {
                formatName = f.GetValue<string>();
            }

            if (o.ContainsKey("tools"))
            {
                tools = o["tools"];
            }

            options.StartInReasoning = o["reasoning_open"]?.GetValue<bool>() ?? false;
        }

        foreach (var t in tools?.AsArray() ?? [])
        {
            options.Tools.Add(t is JsonValue v
                ? new DeclaredTool(v.GetValue<string>())
                : new DeclaredTool(t!["name"]!.GetValue<string>(), t["parameters"] is { } p ? JsonDocument.Parse(p.ToJsonString()).RootElement : null));
        }

        if (!ToolCallFormats.TryParse(formatName, out var format))
        {
            throw new InvalidOperationException($"Unknown format '{formatName}' in fixture {id}.");
        }

        return new Fixture(family, name, File.ReadAllBytes(Path.Combine(dir, name + ".txt")), format, options, Path.Combine(dir, name + ".verified.json"));
    }

    /// <summary>
    /// The snapshot shape: the library's JSON without problem messages (they are prose, not contract); a problem's tool
    /// name is <c>"name"</c> (omitted when unknown), a call's extra members <c>"additional_fields"</c> (omitted when none).
    /// </summary>
    public static JsonNode ToSnapshot(ToolCallParseResult result)
    {
        var node = JsonNode.Parse(result.ToJson())!;
        foreach (var p in node["problems"]!.AsArray())
        {
            var problem = p!.AsObject();
            problem.Remove("message");
            if (problem["tool"] is { } tool)
            {
                problem.Remove("tool");
                problem["name"] = tool.GetValue<string>();
            }
        }

        return node;
    }
}
