using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// How one family writes things, for the conformance suite: a call's markup given a name and arguments, its reasoning
/// markup, the ids it gives calls, and the markup words it removes (for the "nothing lost" check).
/// </summary>
public sealed class FamilySample
{
    private readonly Func<string, JsonObject, int, string> _render;

    public FamilySample(string key, ToolCallFormat format, Func<string, JsonObject, int, string> render, string? reasoningOpen, string? reasoningClose, Func<string, int, string> expectedId, string[] markup)
    {
        Key = key;
        Format = format;
        _render = render;
        ReasoningOpen = reasoningOpen;
        ReasoningClose = reasoningClose;
        ExpectedId = expectedId;
        Markup = markup;
    }

    /// <summary>Gets the Theory key: the family name, or <c>auto:family</c> for that family's markup parsed with <see cref="ToolCallFormat.Auto"/>.</summary>
    public string Key { get; }

    public ToolCallFormat Format { get; }

    /// <summary>Gets the opener of a reasoning block, or <see langword="null"/> when the family has no reasoning.</summary>
    public string? ReasoningOpen { get; }

    public string? ReasoningClose { get; }

    public bool HasReasoning => ReasoningOpen is not null;

    /// <summary>Gets the id the parser should give the <c>index</c>-th call (0-based) to <c>name</c>.</summary>
    public Func<string, int, string> ExpectedId { get; }

    /// <summary>Gets the markup strings the family's parser removes (markers and wrapper words); everything else must survive.</summary>
    public string[] Markup { get; }

    /// <summary>
    /// Gets a value indicating whether the family's call opener also ends an unclosed reasoning block (formats.md 0.8:
    /// Qwen3-Coder, Kimi, DeepSeek DSML; and families whose messages or sections are special tokens the model writes
    /// only to call). Otherwise call markup inside reasoning stays reasoning.
    /// </summary>
    public bool CallEndsReasoning { get; init; }

    /// <summary>Renders one call as the model writes it. <paramref name="index"/> is the call's index in the output (Kimi writes it in the id).</summary>
    public string Call(string name, string argumentsJson, int index = 0) => _render(name, JsonNode.Parse(argumentsJson)!.AsObject(), index);

    /// <summary>Options declaring <paramref name="tools"/> with a schema that types each property by its sample value (so tagged families type values as written).</summary>
    public static ToolCallParserOptions OptionsFor(params (string Name, string ArgumentsJson)[] tools)
    {
        var options = new ToolCallParserOptions();
        foreach (var (name, args) in tools.DistinctBy(t => t.Name))
        {
            options.Tools.Add(new DeclaredTool(name, JsonDocument.Parse(SchemaFor(JsonNode.Parse(args)!.AsObject()).ToJsonString()).RootElement));
        }

        return options;
    }

    public override string ToString() => Key;

    private static JsonObject SchemaFor(JsonObject args)
    {
        var properties = new JsonObject();
        foreach (var (key, value) in args)
        {
            properties[key] = new JsonObject { ["type"] = TypeOf(value) };
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties };
    }

    private static string TypeOf(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };
}

/// <summary>The sample table: every family, and every family's markup under <see cref="ToolCallFormat.Auto"/>.</summary>
public static class FamilySamples
{
    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] s_jsonKeys = ["\"name\"", "\"arguments\"", "\"parameters\""];

    public static readonly FamilySample Hermes = new(
        "hermes", ToolCallFormat.Hermes,
        (n, a, _) => $"<tool_call>\n{{\"name\": {Str(n)}, \"arguments\": {Json(a)}}}\n</tool_call>",
        "<think>\n", "\n</think>\n\n", (_, i) => $"call_{i}",
        ["<tool_call>", "</tool_call>", "<think>", "</think>", .. s_jsonKeys]);

    public static readonly FamilySample Qwen3Coder = new(
        "qwen3-coder", ToolCallFormat.Qwen3Coder,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<tool_call>\n<function={n}>\n");
            foreach (var (k, v) in a)
            {
                sb.Append("<parameter=").Append(k).Append(">\n").Append(Raw(v)).Append("\n</parameter>\n");
            }

            return sb.Append("</function>\n</tool_call>").ToString();
        },
        "<think>\n", "\n</think>\n\n", (_, i) => $"call_{i}",
        ["<tool_call>", "</tool_call>", "<function=", "</function>", "<parameter=", "</parameter>", "<think>", "</think>", ">\n"])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample Llama3 = new(
        "llama3", ToolCallFormat.Llama3,
        (n, a, _) => $"<|python_tag|>{{\"name\": {Str(n)}, \"parameters\": {Json(a)}}}<|eom_id|>",
        null, null, (_, i) => $"call_{i}",
        ["<|python_tag|>", "<|eom_id|>", "<|eot_id|>", .. s_jsonKeys]);

    public static readonly FamilySample Mistral = new(
        "mistral", ToolCallFormat.Mistral,
        (n, a, _) => $"[TOOL_CALLS]{n}[ARGS]{Json(a)}",
        "[THINK]", "[/THINK]", (_, i) => $"call{i:D5}",
        ["[TOOL_CALLS]", "[ARGS]", "[CALL_ID]", "[THINK]", "[/THINK]", "</s>"]);

    public static readonly FamilySample Gemma4 = new(
        "gemma4", ToolCallFormat.Gemma4,
        (n, a, _) => $"<|tool_call>call:{n}{Gemma(a)}<tool_call|>",
        "<|channel>thought\n", "<channel|>", (_, i) => $"call_{i}",
        ["<|tool_call>", "<tool_call|>", "call:", "<|\"|>", "<|channel>thought", "<|channel>", "<channel|>", "<turn|>"]);

    public static readonly FamilySample DeepSeek = new(
        "deepseek", ToolCallFormat.DeepSeek,
        (n, a, _) => $"<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>{n}<｜tool▁sep｜>{Json(a)}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
        "<think>\n", "\n</think>\n\n", (_, i) => $"call_{i}",
        ["<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>", "<｜end▁of▁sentence｜>", "<think>", "</think>"]);

    public static readonly FamilySample Glm = new(
        "glm", ToolCallFormat.Glm,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<tool_call>{n}\n");
            foreach (var (k, v) in a)
            {
                sb.Append("<arg_key>").Append(k).Append("</arg_key>\n<arg_value>").Append(Raw(v)).Append("</arg_value>\n");
            }

            return sb.Append("</tool_call>").ToString();
        },
        "<think>", "</think>\n", (_, i) => $"call_{i}",
        ["<tool_call>", "</tool_call>", "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "<think>", "</think>"]);

    public static readonly FamilySample Kimi = new(
        "kimi", ToolCallFormat.Kimi,
        (n, a, i) => $"<|tool_calls_section_begin|><|tool_call_begin|>functions.{n}:{i}<|tool_call_argument_begin|>{Json(a)}<|tool_call_end|><|tool_calls_section_end|>",
        "<think>", "</think>", (n, i) => $"functions.{n}:{i}",
        ["<|tool_calls_section_begin|>", "<|tool_calls_section_end|>", "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>", "<think>", "</think>", "functions."])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample GptOss = new(
        "gpt-oss", ToolCallFormat.GptOss,
        (n, a, _) => $"<|start|>assistant to=functions.{n}<|channel|>commentary json<|message|>{Json(a)}<|call|>",
        "<|channel|>analysis<|message|>", "<|end|>", (_, i) => $"call_{i}",
        ["<|start|>assistant", " to=functions.", "<|channel|>commentary", " json", "<|message|>", "<|call|>", "<|channel|>analysis", "<|end|>", .. s_jsonKeys])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample DeepSeekDsml = new(
        "deepseek-v32", ToolCallFormat.DeepSeekDsml,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<｜DSML｜function_calls><｜DSML｜invoke name=\"{n}\">\n");
            foreach (var (k, v) in a)
            {
                var text = v?.GetValueKind() == JsonValueKind.String;
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<｜DSML｜parameter name=\"{k}\" string=\"{(text ? "true" : "false")}\">").Append(Raw(v)).Append("</｜DSML｜parameter>");
            }

            return sb.Append("</｜DSML｜invoke></｜DSML｜function_calls>").ToString();
        },
        "<think>", "</think>", (_, i) => $"call_{i}",
        ["<｜DSML｜function_calls>", "</｜DSML｜function_calls>", "<｜DSML｜invoke name=\"", "\">", "</｜DSML｜invoke>", "<｜DSML｜parameter name=\"", "\" string=\"true\">",
            "\" string=\"false\">", "</｜DSML｜parameter>", "<think>", "</think>"])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample MiniMax = new(
        "minimax-m2", ToolCallFormat.MiniMax,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<minimax:tool_call>\n<invoke name=\"{n}\">\n");
            foreach (var (k, v) in a)
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<parameter name=\"{k}\">").Append(Raw(v)).Append("</parameter>\n");
            }

            return sb.Append("</invoke>\n</minimax:tool_call>").ToString();
        },
        "<think>\n", "\n</think>\n\n", (_, i) => $"call_{i}",
        ["<minimax:tool_call>", "</minimax:tool_call>", "<invoke name=\"", "\">", "</invoke>", "<parameter name=\"", "</parameter>", "<think>", "</think>"]);

    public static readonly FamilySample KimiK3 = new(
        "kimi-k3", ToolCallFormat.KimiK3,
        (n, a, i) =>
        {
            var sb = new StringBuilder($"<|open|>tools<|sep|><|open|>call tool=\"{n}\" index=\"{i + 1}\"<|sep|>");
            foreach (var (k, v) in a)
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<|open|>argument key=\"{k}\" type=\"{TypeName(v)}\"<|sep|>").Append(Raw(v)).Append("<|close|>argument<|sep|>");
            }

            return sb.Append("<|close|>call<|sep|><|close|>tools<|sep|>").ToString();
        },
        "<|open|>think<|sep|>", "<|close|>think<|sep|>", (_, i) => $"call_{i}",
        ["<|open|>tools<|sep|>", "<|close|>tools<|sep|>", "<|open|>call tool=\"", .. Enumerable.Range(1, 9).Select(i => $"\" index=\"{i}\"<|sep|>"), "\"<|sep|>", "<|close|>call<|sep|>", "<|open|>argument key=\"", "\" type=\"",
            "<|close|>argument<|sep|>", "<|open|>think<|sep|>", "<|close|>think<|sep|>", "string", "number", "boolean", "object", "array", "null"])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample Lfm2 = new(
        "lfm2", ToolCallFormat.Lfm2,
        (n, a, _) => $"<|tool_call_start|>[{n}({string.Join(", ", a.Select(p => p.Key + "=" + Python(p.Value)))})]<|tool_call_end|>",
        "<think>", "</think>", (_, i) => $"call_{i}",
        ["<|tool_call_start|>", "<|tool_call_end|>", "(", ")", "=", "None", "<think>", "</think>"]);

    /// <summary>Functionary v3.2's recipient messages (v3.1's <c>&lt;function=NAME&gt;</c> is the region Hermes and Llama 3 share).</summary>
    public static readonly FamilySample Functionary = new(
        "functionary", ToolCallFormat.Functionary,
        (n, a, _) => $">>>{n}\n{Json(a)}",
        null, null, (_, i) => $"call_{i}",
        [">>>"]);

    public static readonly FamilySample NemotronV2 = new(
        "nemotron-v2", ToolCallFormat.NemotronV2,
        (n, a, _) => $"<TOOLCALL>[{{\"name\": {Str(n)}, \"arguments\": {Json(a)}}}]</TOOLCALL>",
        "<think>\n", "\n</think>\n", (_, i) => $"call_{i}",
        ["<TOOLCALL>", "</TOOLCALL>", "<think>", "</think>", .. s_jsonKeys]);

    public static readonly FamilySample CommandR7B = new(
        "command-r7b", ToolCallFormat.CommandR7B,
        (n, a, i) => $"<|START_ACTION|>[\n    {{\"tool_call_id\": \"{i}\", \"tool_name\": {Str(n)}, \"parameters\": {Json(a)}}}\n]<|END_ACTION|>",
        "<|START_THINKING|>", "<|END_THINKING|>", (_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["<|START_ACTION|>", "<|END_ACTION|>", "<|START_THINKING|>", "<|END_THINKING|>", "\"tool_call_id\"", "\"tool_name\"", "\"parameters\""])
    {
        CallEndsReasoning = true,
    };

    public static readonly FamilySample Granite = new(
        "granite", ToolCallFormat.Granite,
        (n, a, _) => $"<|tool_call|>[{{\"name\": {Str(n)}, \"arguments\": {Json(a)}}}]",
        "<think>", "</think>", (_, i) => $"call_{i}",
        ["<|tool_call|>", "<think>", "</think>", .. s_jsonKeys]);

    public static readonly FamilySample Apertus = new(
        "apertus", ToolCallFormat.Apertus,
        (n, a, _) => $"<|tools_prefix|>[{{{Str(n)}: {Json(a)}}}]<|tools_suffix|>",
        "<|inner_prefix|>", "<|inner_suffix|>", (_, i) => $"call_{i}",
        ["<|tools_prefix|>", "<|tools_suffix|>", "<|inner_prefix|>", "<|inner_suffix|>"]);

    public static readonly FamilySample FireFunctionV2 = new(
        "firefunction-v2", ToolCallFormat.FireFunctionV2,
        (n, a, _) => $"functools[{{\"name\": {Str(n)}, \"arguments\": {Json(a)}}}]",
        null, null, (_, i) => $"call_{i}",
        ["functools", .. s_jsonKeys]);

    public static readonly FamilySample Hunyuan = new(
        "hunyuan", ToolCallFormat.Hunyuan,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<tool_calls:opensource>\n<tool_call:opensource>{n}<tool_sep:opensource>\n");
            foreach (var (k, v) in a)
            {
                sb.Append("<arg_key:opensource>").Append(k).Append("</arg_key:opensource>\n<arg_value:opensource>").Append(Raw(v)).Append("</arg_value:opensource>\n");
            }

            return sb.Append("</tool_call:opensource>\n</tool_calls:opensource>").ToString();
        },
        "<think:opensource>", "</think:opensource>", (_, i) => $"call_{i}",
        ["<tool_calls:opensource>", "</tool_calls:opensource>", "<tool_call:opensource>", "</tool_call:opensource>", "<tool_sep:opensource>", "<arg_key:opensource>",
            "</arg_key:opensource>", "<arg_value:opensource>", "</arg_value:opensource>", "<think:opensource>", "</think:opensource>"]);

    public static readonly FamilySample SeedOss = new(
        "seed-oss", ToolCallFormat.SeedOss,
        (n, a, _) =>
        {
            var sb = new StringBuilder($"<seed:tool_call>\n<function={n}>\n");
            foreach (var (k, v) in a)
            {
                sb.Append("<parameter=").Append(k).Append('>').Append(Raw(v)).Append("</parameter>\n");
            }

            return sb.Append("</function>\n</seed:tool_call>").ToString();
        },
        "<seed:think>", "</seed:think>", (_, i) => $"call_{i}",
        ["<seed:tool_call>", "</seed:tool_call>", "<function=", "</function>", "<parameter=", "</parameter>", "<seed:think>", "</seed:think>", ">"]);

    /// <summary>One sample per family of <see cref="FormatFamilies.All"/> (FormatFamiliesTests checks that none is missing).</summary>
    public static readonly FamilySample[] Families = [Hermes, Qwen3Coder, Llama3, Mistral, Gemma4, DeepSeek, Glm, Kimi, GptOss, DeepSeekDsml, MiniMax, KimiK3, Lfm2, Functionary, NemotronV2, CommandR7B, Granite, Apertus, FireFunctionV2, Hunyuan, SeedOss];

    /// <summary>Every family, then the markup of every family that <see cref="ToolCallFormat.Auto"/> reads, parsed with Auto.</summary>
    public static readonly FamilySample[] All =
    [
        .. Families,
        .. Families.Where(f => FormatFamilies.Get(f.Format)?.InAuto == true)
            .Select(f => new FamilySample("auto:" + f.Key, ToolCallFormat.Auto, (n, a, i) => f.Call(n, Json(a), i), f.ReasoningOpen, f.ReasoningClose, f.ExpectedId, f.Markup) { CallEndsReasoning = f.CallEndsReasoning }),
    ];

    public static TheoryData<string> Keys() => [.. All.Select(s => s.Key)];

    public static TheoryData<string> ReasoningKeys() => [.. All.Where(s => s.HasReasoning).Select(s => s.Key)];

    public static FamilySample Get(string key) => All.Single(s => s.Key == key);

    public static string Json(JsonNode? node) => node?.ToJsonString(s_relaxed) ?? "null";

    private static string Str(string s) => JsonSerializer.Serialize(s, s_relaxed);

    /// <summary>A tagged family's raw value: strings as written, anything else as JSON.</summary>
    private static string Raw(JsonNode? v) => v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Json(v);

    /// <summary>Kimi K3's <c>type</c> attribute for a value.</summary>
    private static string TypeName(JsonNode? v) => v?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => "null",
    };

    /// <summary>A Python literal for a JSON value (JSON string escapes are Python escapes too).</summary>
    private static string Python(JsonNode? v) => v switch
    {
        JsonObject o => "{" + string.Join(", ", o.Select(p => Str(p.Key) + ": " + Python(p.Value))) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(Python)) + "]",
        null => "None",
        _ => v.GetValueKind() switch
        {
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => Json(v),
        },
    };

    /// <summary>Gemma 4's argument syntax: bare keys, <c>&lt;|"|&gt;</c>-delimited strings.</summary>
    private static string Gemma(JsonNode? v) => v switch
    {
        JsonObject o => "{" + string.Join(",", o.Select(p => p.Key + ":" + Gemma(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Gemma)) + "]",
        null => "null",
        _ when v.GetValueKind() == JsonValueKind.String => "<|\"|>" + v.GetValue<string>() + "<|\"|>",
        _ => Json(v),
    };
}
