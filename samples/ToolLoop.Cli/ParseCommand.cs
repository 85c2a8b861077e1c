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
        args = SplitInlineValues(args);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--format":
                    var name = Next(args, ref i);
                    if (!ToolCallFormats.TryParse(name, out format))
                    {
                        throw new UsageException($"unknown format '{name}' (see 'toolloop formats')");
                    }

                    formatGiven = true;
                    break;
                case "--tools":
                    tools.AddRange(Next(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => new DeclaredTool(n)));
                    break;
                case "--tools-file":
                    tools.AddRange(await ReadToolsFileAsync(Next(args, ref i)).ConfigureAwait(false));
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
                    if (args[i].StartsWith('-') && args[i] != "-")
                    {
                        throw new UsageException($"unknown option '{args[i]}'");
                    }

                    if (file is not null)
                    {
                        throw new UsageException("only one input file may be given");
                    }

                    file = args[i];
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
                    writer.WriteString("error", $"line {lineNumber}: {Describe(ex)}");
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

    /// <summary>Tools as names, or as objects with a name and an optional parameters schema (OpenAI's wrapped shape too).</summary>
    private static IEnumerable<DeclaredTool> ReadTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("\"tools\" must be an array");
        }

        foreach (var tool in tools.EnumerateArray())
        {
            switch (tool.ValueKind)
            {
                case JsonValueKind.String:
                    yield return new DeclaredTool(tool.GetString()!);
                    break;
                case JsonValueKind.Object:
                    var fn = tool.TryGetProperty("function", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : tool;
                    if (!fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException("a tool object needs a \"name\" string");
                    }

                    JsonElement? schema = fn.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null;
                    yield return new DeclaredTool(name.GetString()!, schema);
                    break;
                default:
                    throw new FormatException("each tool must be a name or an object");
            }
        }
    }

    private static async Task<IEnumerable<DeclaredTool>> ReadToolsFileAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return [.. ReadTools(doc.RootElement)];
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new InputException($"--tools-file {path}: {Describe(ex)}", ex);
        }
    }

    /// <summary>What was wrong with a JSON input, in words a user can act on (no JSON-reader internals).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        JsonException { BytePositionInLine: { } column, LineNumber: { } row } =>
            row == 0 ? $"not valid JSON (at character {column + 1})" : $"not valid JSON (at line {row + 1}, character {column + 1})",
        JsonException => "not valid JSON",
        _ => ex.Message,
    };

    /// <summary>Turns <c>--option=value</c> into <c>--option value</c>, so both spellings work.</summary>
    private static string[] SplitInlineValues(string[] args)
    {
        var result = new List<string>(args.Length);
        foreach (var arg in args)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                result.Add(arg[..eq]);
                result.Add(arg[(eq + 1)..]);
            }
            else
            {
                result.Add(arg);
            }
        }

        return [.. result];
    }

    private static string Next(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new UsageException($"option '{args[i]}' needs a value");
        }

        return args[++i];
    }
}
