namespace ToolLoop;

/// <summary>Names of the formats, and choosing a format from a chat template or a model name.</summary>
public static class ToolCallFormats
{
    private static readonly (string Name, ToolCallFormat Format)[] s_names =
    [
        ("auto", ToolCallFormat.Auto),
        ("hermes", ToolCallFormat.Hermes), ("qwen", ToolCallFormat.Hermes), ("qwen2.5", ToolCallFormat.Hermes), ("qwen25", ToolCallFormat.Hermes),
        ("qwen3", ToolCallFormat.Hermes), ("granite4", ToolCallFormat.Hermes), ("granite-4", ToolCallFormat.Hermes),
        ("qwen3-coder", ToolCallFormat.Qwen3Coder), ("qwen3coder", ToolCallFormat.Qwen3Coder), ("qwen3.5", ToolCallFormat.Qwen3Coder),
        ("qwen35", ToolCallFormat.Qwen3Coder), ("qwen3-xml", ToolCallFormat.Qwen3Coder), ("qwen35-coder", ToolCallFormat.Qwen3Coder),
        ("llama3", ToolCallFormat.Llama3), ("llama", ToolCallFormat.Llama3), ("llama-3", ToolCallFormat.Llama3), ("llama3-json", ToolCallFormat.Llama3),
        ("llama3.1", ToolCallFormat.Llama3), ("llama3.2", ToolCallFormat.Llama3), ("llama3.3", ToolCallFormat.Llama3), ("llama32", ToolCallFormat.Llama3),
        ("mistral", ToolCallFormat.Mistral), ("magistral", ToolCallFormat.Mistral), ("ministral", ToolCallFormat.Mistral), ("devstral", ToolCallFormat.Mistral),
        ("gemma4", ToolCallFormat.Gemma4), ("gemma", ToolCallFormat.Gemma4), ("gemma-4", ToolCallFormat.Gemma4),
        ("deepseek", ToolCallFormat.DeepSeek), ("deepseek-r1", ToolCallFormat.DeepSeek), ("deepseek-v3", ToolCallFormat.DeepSeek),
        ("deepseekv3", ToolCallFormat.DeepSeek), ("deepseek-v31", ToolCallFormat.DeepSeek), ("deepseek-v3.1", ToolCallFormat.DeepSeek), ("deepseekv31", ToolCallFormat.DeepSeek),
        ("glm", ToolCallFormat.Glm), ("glm45", ToolCallFormat.Glm), ("glm47", ToolCallFormat.Glm), ("glm-4.5", ToolCallFormat.Glm), ("glm-4.6", ToolCallFormat.Glm),
        ("glm-4.7", ToolCallFormat.Glm), ("glm4-moe", ToolCallFormat.Glm), ("glm4", ToolCallFormat.Glm),
        ("kimi", ToolCallFormat.Kimi), ("kimi-k2", ToolCallFormat.Kimi), ("kimik2", ToolCallFormat.Kimi),
    ];

    /// <summary>Gets the canonical lower-case name of a format (<c>auto</c>, <c>hermes</c>, <c>qwen3-coder</c>, <c>llama3</c>, <c>mistral</c>, <c>gemma4</c>, <c>deepseek</c>, <c>glm</c>, <c>kimi</c>).</summary>
    /// <param name="format">The format.</param>
    /// <returns>The name.</returns>
    public static string GetName(ToolCallFormat format)
        => Array.Find(s_names, n => n.Format == format).Name ?? throw new ArgumentOutOfRangeException(nameof(format));

    /// <summary>
    /// Reads a format name: case-insensitive, <c>_</c> and <c>-</c> alike; canonical names, the enum names, and aliases
    /// such as <c>qwen3</c>, <c>qwen3_coder</c>, <c>llama3_json</c>, <c>deepseek_v31</c>, <c>glm45</c> or <c>kimi_k2</c>.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="format">The format.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? name, out ToolCallFormat format)
    {
        format = ToolCallFormat.Auto;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        // Underscores and hyphens are one (vLLM's parser names use underscores: qwen3_coder, llama3_json, kimi_k2).
        var n = name.Trim().Replace('_', '-');
        foreach (var (alias, f) in s_names)
        {
            if (string.Equals(alias, n, StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }

        // Enum.TryParse also reads numbers and comma-separated lists ("hermes,glm" is Hermes | Glm): only single names count.
        if (!char.IsAsciiLetter(n[0]) || n.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        return Enum.TryParse(n, ignoreCase: true, out format) && Enum.IsDefined(format);
    }

    /// <summary>
    /// Chooses the format from a chat template's text by the markers it renders (a Jinja template from a GGUF or a
    /// Hugging Face tokenizer config). Returns <see cref="ToolCallFormat.Auto"/> when no family's markers are found.
    /// </summary>
    /// <param name="chatTemplate">The template text.</param>
    /// <returns>The format.</returns>
    public static ToolCallFormat FromChatTemplate(string? chatTemplate)
    {
        if (string.IsNullOrEmpty(chatTemplate))
        {
            return ToolCallFormat.Auto;
        }

        bool Has(string s) => chatTemplate.Contains(s, StringComparison.Ordinal);
        if (Has("<|tool_call>") || Has("<|\"|>"))
        {
            return ToolCallFormat.Gemma4;
        }

        if (Has("tool▁calls▁begin") || Has("tool▁call▁begin"))
        {
            return ToolCallFormat.DeepSeek;
        }

        if (Has("<|tool_calls_section_begin|>") || Has("<|tool_call_begin|>"))
        {
            return ToolCallFormat.Kimi;
        }

        if (Has("[TOOL_CALLS]"))
        {
            return ToolCallFormat.Mistral;
        }

        if (Has("<arg_key>"))
        {
            return ToolCallFormat.Glm;
        }

        if (Has("<function=") && Has("<parameter="))
        {
            return ToolCallFormat.Qwen3Coder;
        }

        if (Has("<tool_call>"))
        {
            return ToolCallFormat.Hermes;
        }

        if (Has("<|python_tag|>") || (Has("<|start_header_id|>") && Has("ipython")))
        {
            return ToolCallFormat.Llama3;
        }

        return ToolCallFormat.Auto;
    }

    /// <summary>Chooses the format from a model name or path (for example <c>Qwen/Qwen3-8B</c>, <c>Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf</c>).</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The format, or <see cref="ToolCallFormat.Auto"/> when the name says nothing.</returns>
    public static ToolCallFormat FromModelName(string? modelName)
    {
        if (string.IsNullOrWhiteSpace(modelName))
        {
            return ToolCallFormat.Auto;
        }

        var n = modelName.ToLowerInvariant().Replace('_', '-');
        bool Has(string s) => n.Contains(s, StringComparison.Ordinal);
        // Before "qwen": the R1 distills (DeepSeek-R1-Distill-Qwen-*) ship DeepSeek's template and markers.
        if (Has("deepseek"))
        {
            return ToolCallFormat.DeepSeek;
        }

        if (Has("qwen3-coder") || Has("qwen3.5") || Has("qwen3-5") || Has("nemotron-3") || Has("nemotron3"))
        {
            return ToolCallFormat.Qwen3Coder;
        }

        if (Has("qwen") || Has("qwq") || Has("hermes") || Has("granite-4") || Has("mimo"))
        {
            return ToolCallFormat.Hermes;
        }

        if (Has("llama-3") || Has("llama3"))
        {
            return ToolCallFormat.Llama3;
        }

        if (Has("mistral") || Has("mixtral") || Has("ministral") || Has("magistral") || Has("devstral") || Has("codestral"))
        {
            return ToolCallFormat.Mistral;
        }

        if (Has("gemma-4") || Has("gemma4"))
        {
            return ToolCallFormat.Gemma4;
        }

        if (Has("glm"))
        {
            return ToolCallFormat.Glm;
        }

        if (Has("kimi"))
        {
            return ToolCallFormat.Kimi;
        }

        return ToolCallFormat.Auto;
    }
}
