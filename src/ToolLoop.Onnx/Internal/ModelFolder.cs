using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Onnx.Internal;

/// <summary>
/// What the adapter reads from a GenAI model folder itself, because the GenAI API does not expose it: the chat
/// template (<c>chat_template.jinja</c>, else <c>tokenizer_config.json</c>'s <c>chat_template</c>, a string or a
/// list of <c>{name, template}</c>), the template's <c>bos_token</c>/<c>eos_token</c>, and the context length
/// (the smaller of <c>genai_config.json</c>'s <c>model.context_length</c> and <c>search.max_length</c>).
/// </summary>
internal sealed class ModelFolder
{
    private ModelFolder(string path, int? trainedContextLength, int contextLength, string? chatTemplate, string? toolUseTemplate, string? bosToken, string? eosToken, bool addBosToken, string? modelType)
    {
        AddBosToken = addBosToken;
        TrainedContextLength = trainedContextLength;
        Path = path;
        ContextLength = contextLength;
        ChatTemplate = chatTemplate;
        ToolUseChatTemplate = toolUseTemplate;
        BosToken = bosToken;
        EosToken = eosToken;
        ModelType = modelType;
    }

    public string Path { get; }

    public int ContextLength { get; }

    /// <summary><c>model.context_length</c>: GenAI refuses a generator whose <c>max_length</c> exceeds it.</summary>
    public int? TrainedContextLength { get; }

    /// <summary>The default template, or null if the folder has none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The template named <c>tool_use</c> of a template list, or null.</summary>
    public string? ToolUseChatTemplate { get; }

    public string? BosToken { get; }

    public string? EosToken { get; }

    public string? ModelType { get; }

    /// <summary><c>tokenizer_config.json</c>'s <c>add_bos_token</c>: the tokenizer would prepend the BOS token (GenAI's <c>Encode</c> does not).</summary>
    public bool AddBosToken { get; }

    /// <exception cref="OnnxGenAIException">The folder or <c>genai_config.json</c> is missing, or a JSON file is broken.</exception>
    public static ModelFolder Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new OnnxGenAIException(
                $"The ONNX Runtime GenAI model folder '{full}' does not exist. Pass the folder that holds genai_config.json, the .onnx files and the tokenizer files (for example the output of onnxruntime_genai.models.builder).",
                OnnxGenAIErrorKind.ModelFolder);
        }

        string configPath = System.IO.Path.Combine(full, "genai_config.json");
        if (!File.Exists(configPath))
        {
            throw new OnnxGenAIException(
                $"The folder '{full}' has no genai_config.json, so it is not an ONNX Runtime GenAI model folder. Export the model with onnxruntime_genai.models.builder, or point at the folder that has the file.",
                OnnxGenAIErrorKind.ModelFolder);
        }

        JsonObject config = ReadObject(configPath, required: true)!;
        // The exporter's search.max_length is what GenAI sizes a generator for by default (a shared KV buffer is
        // allocated at that length), so it bounds the context when it is below the trained context_length.
        int? trained = ReadInt(config["model"]?["context_length"]);
        int? working = ReadInt(config["search"]?["max_length"]);
        int contextLength = (trained, working) switch
        {
            (int t, int w) => Math.Min(t, w),
            (int t, null) => t,
            (null, int w) => w,
            _ => throw new OnnxGenAIException($"'{configPath}' sets neither model.context_length nor search.max_length; add one of them.", OnnxGenAIErrorKind.ModelFolder),
        };
        string? modelType = config["model"]?["type"] is JsonValue type && type.TryGetValue(out string? typeName) ? typeName : null;

        JsonObject? tokenizerConfig = ReadObject(System.IO.Path.Combine(full, "tokenizer_config.json"), required: false);
        string? template = null, toolUse = null;
        string jinjaPath = System.IO.Path.Combine(full, "chat_template.jinja");
        if (File.Exists(jinjaPath))
        {
            // A separate template file (newer Hugging Face exports) takes precedence over tokenizer_config.json.
            template = File.ReadAllText(jinjaPath);
        }
        else if (tokenizerConfig?["chat_template"] is JsonNode node)
        {
            (template, toolUse) = ReadTemplates(node);
        }

        return new ModelFolder(
            full,
            trained,
            contextLength,
            template,
            toolUse,
            TokenText(tokenizerConfig?["bos_token"]),
            TokenText(tokenizerConfig?["eos_token"]),
            tokenizerConfig?["add_bos_token"] is JsonValue addBos && addBos.TryGetValue(out bool add) && add,
            modelType);
    }

    private static (string? Default, string? ToolUse) ReadTemplates(JsonNode node)
    {
        if (node is JsonValue value && value.TryGetValue(out string? single))
        {
            return (single, null);
        }

        if (node is not JsonArray list)
        {
            return (null, null);
        }

        string? first = null, byDefault = null, toolUse = null;
        foreach (JsonNode? entry in list)
        {
            if (entry?["template"] is not JsonValue tv || !tv.TryGetValue(out string? text))
            {
                continue;
            }

            first ??= text;
            string? name = entry["name"] is JsonValue nv && nv.TryGetValue(out string? n) ? n : null;
            if (name == "default")
            {
                byDefault = text;
            }
            else if (name == "tool_use")
            {
                toolUse = text;
            }
        }

        return (byDefault ?? first, toolUse);
    }

    // A token is written as a string, or as an AddedToken object {"content": ...}.
    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue(out string? s) => s,
        _ => null,
    };

    private static int? ReadInt(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) && d >= 1 && d <= int.MaxValue ? (int)d : null;

    private static JsonObject? ReadObject(string path, bool required)
    {
        if (!File.Exists(path))
        {
            return required ? throw new OnnxGenAIException($"'{path}' does not exist.", OnnxGenAIErrorKind.ModelFolder) : null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new OnnxGenAIException($"'{path}' is not a JSON object.", OnnxGenAIErrorKind.ModelFolder);
        }
        catch (JsonException ex)
        {
            throw new OnnxGenAIException($"'{path}' is not valid JSON ({ex.Message}); re-export the model or fix the file.", OnnxGenAIErrorKind.ModelFolder, ex);
        }
    }
}
