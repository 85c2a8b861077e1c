using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ToolLoop.Cli;

/// <summary>
/// <c>toolloop parse</c>: raw model output in, the parse as JSON out. With <c>--jsonl</c>, one input object per line and
/// one result per line; this line contract is stable (outside tools score the parser through it).
/// </summary>
public static class ParseCommand
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        var format = ToolCallFormat.Auto;
        var formatGiven = false;
        var jsonl = false;
        var reasoningOpen = false;
        var tools = new List<DeclaredTool>();
        string? file = null;
        var reader = new ArgumentReader(args);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "--format":
                    format = reader.FormatValue();
                    formatGiven = true;
                    break;
                case "--tools":
                    tools.AddRange(reader.Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => new DeclaredTool(n)));
                    break;
                case "--tools-file":
                    tools.AddRange(await ReadToolsFileAsync(reader.Value()).ConfigureAwait(false));
                    break;
                case "--reasoning-open":
                    reasoningOpen = true;
                    break;
                case "--jsonl":
                    jsonl = true;
                    break;
                case "-h" or "--help":
                    await CliApp.WriteHelpAsync(stdout).ConfigureAwait(false);
                    return 0;
                default:
                    if (reader.CurrentIsOption)
                    {
                        throw reader.Unknown();
                    }

                    if (file is not null)
                    {
                        throw new UsageException("only one input file may be given");
                    }

                    file = reader.Current;
                    break;
            }
        }

        var input = file is null or "-" ? stdin : File.OpenRead(file);
        await using (input.ConfigureAwait(false))
        {
            if (jsonl)
            {
                await RunJsonLinesAsync(input, stdout, formatGiven ? format : ToolCallFormat.Auto, tools, reasoningOpen).ConfigureAwait(false);
                return 0;
            }

            using var buffer = new MemoryStream();
            await input.CopyToAsync(buffer).ConfigureAwait(false);
            var result = ToolCallParser.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), format, new ToolCallParserOptions { Tools = tools, StartInReasoning = reasoningOpen });
            await using var writer = new Utf8JsonWriter(stdout, s_indented);
            result.WriteTo(writer);
            await writer.FlushAsync().ConfigureAwait(false);
            await stdout.WriteAsync("\n"u8.ToArray()).ConfigureAwait(false);
            return 0;
        }
    }

    private static async Task RunJsonLinesAsync(Stream input, Stream stdout, ToolCallFormat defaultFormat, List<DeclaredTool> defaultTools, bool defaultReasoningOpen)
    {
        using var reader = new StreamReader(input, new UTF8Encoding(false, false));
        var output = new MemoryStream();
        var lineNumber = 0;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            output.SetLength(0);
            using (var writer = new Utf8JsonWriter(output, s_compact))
            {
                try
                {
                    var (text, options, format) = ReadLine(line, defaultFormat, defaultTools, defaultReasoningOpen);
                    ToolCallParser.Parse(text, format, options).WriteTo(writer);
                }
                catch (Exception ex) when (ex is JsonException or FormatException)
                {
                    writer.Reset();
                    output.SetLength(0);
                    writer.WriteStartObject();
                    writer.WriteString("error", $"line {lineNumber}: {JsonInput.Describe(ex)}");
                    writer.WriteEndObject();
                }
            }

            output.WriteByte((byte)'\n');
            await stdout.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length)).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
        }
    }

    private static (string Text, ToolCallParserOptions Options, ToolCallFormat Format) ReadLine(string line, ToolCallFormat defaultFormat, List<DeclaredTool> defaultTools, bool defaultReasoningOpen)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new FormatException("blank line (each line must be a JSON object with an \"input\" string)");
        }

        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("each line must be a JSON object with an \"input\" string");
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("the line has no \"input\" string");
        }

        var format = defaultFormat;
        if (root.TryGetProperty("format", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.String || !ToolCallFormats.TryParse(f.GetString(), out format))
            {
                throw new FormatException($"unknown format {f.GetRawText()}");
            }
        }

        var tools = defaultTools;
        if (root.TryGetProperty("tools", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            tools = [.. ReadTools(t)];
        }

        var reasoningOpen = defaultReasoningOpen;
        if (root.TryGetProperty("reasoning_open", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            reasoningOpen = r.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new FormatException("\"reasoning_open\" must be true or false"),
            };
        }

        return (input.GetString()!, new ToolCallParserOptions { Tools = tools, StartInReasoning = reasoningOpen }, format);
    }

    private static IEnumerable<DeclaredTool> ReadTools(JsonElement tools)
        => ToolDeclaration.ReadAll(tools).Select(t => new DeclaredTool(t.Name, t.Parameters));

    private static async Task<IEnumerable<DeclaredTool>> ReadToolsFileAsync(string path)
    {
        using var doc = await JsonInput.ReadFileAsync(path, "--tools-file").ConfigureAwait(false);
        try
        {
            return [.. ReadTools(doc.RootElement)];
        }
        catch (FormatException ex)
        {
            throw new InputException($"--tools-file {path}: {ex.Message}", ex);
        }
    }
}
