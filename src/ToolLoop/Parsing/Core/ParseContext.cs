using System.Text.Json;

namespace ToolLoop.Parsing;

/// <summary>What a region needs while delivering results: options, declared tools, ids, and the output.</summary>
internal sealed class ParseContext
{
    private readonly Dictionary<string, DeclaredTool> _tools;
    private readonly ParserCore _core;

    public ParseContext(ToolCallFormat format, ToolCallParserOptions options, ParserCore core)
    {
        Format = format;
        Options = options;
        _core = core;
        _tools = new Dictionary<string, DeclaredTool>(StringComparer.Ordinal);
        foreach (var tool in options.Tools)
        {
            _tools[tool.Name] = tool;
        }

        JsonOptions = new JsonDocumentOptions { MaxDepth = Math.Max(1, options.MaxJsonDepth) + 2, AllowTrailingCommas = false };
    }

    public ToolCallFormat Format { get; }

    public ToolCallParserOptions Options { get; }

    public JsonDocumentOptions JsonOptions { get; }

    public bool HasTools => _tools.Count > 0;

    /// <summary>Gets how many calls were delivered so far.</summary>
    public int CallCount { get; private set; }

    /// <summary>
    /// Gets or sets a value indicating whether a call in a family's wrapped form was read; a family with a bare fallback
    /// form (Gemma's <c>call:NAME{…}</c>) reads the bare form only before that.
    /// </summary>
    public bool WrappedCallSeen { get; set; }

    public bool IsDeclared(string name) => _tools.ContainsKey(name);

    public JsonElement? SchemaFor(string name) => _tools.TryGetValue(name, out var t) ? t.ParametersSchema : null;

    public void EmitCall(string? id, string name, string argumentsJson, bool healed, ToolCallFormat format, string? additionalFields = null)
    {
        var index = CallCount++;
        id ??= Options.CallIdFactory?.Invoke(format, index)
            ?? (format == ToolCallFormat.Mistral
                ? "call" + index.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)
                : "call_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _core.EmitCall(new ParsedToolCall(id, name, argumentsJson, healed, format) { AdditionalFieldsJson = additionalFields });
    }

    /// <summary>Delivers a problem (a blank tool name counts as none).</summary>
    public void EmitProblem(ToolCallProblemKind kind, string message, ReadOnlySpan<char> raw, string? toolName = null, string? rawArguments = null)
        => _core.EmitProblem(new ToolCallParseProblem(kind, message, raw.ToString(), string.IsNullOrWhiteSpace(toolName) ? null : toolName, rawArguments));

    /// <summary>Delivers text of a speculative region that proved not to be a call.</summary>
    public void EmitContent(ReadOnlySpan<char> text) => _core.EmitContentText(text);
}
