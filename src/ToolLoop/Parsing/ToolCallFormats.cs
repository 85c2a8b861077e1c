using ToolLoop.Parsing;

namespace ToolLoop;

/// <summary>Names of the formats, and choosing a format from a chat template or a model name.</summary>
public static class ToolCallFormats
{
    /// <summary>Gets the canonical lower-case name of a format (<c>auto</c>, <c>hermes</c>, <c>qwen3-coder</c>, <c>llama3</c>, <c>mistral</c>, <c>gemma4</c>, <c>deepseek</c>, <c>glm</c>, <c>kimi</c>).</summary>
    /// <param name="format">The format.</param>
    /// <returns>The name.</returns>
    public static string GetName(ToolCallFormat format)
        => format == ToolCallFormat.Auto ? "auto" : FormatFamilies.Get(format)?.Name ?? throw new ArgumentOutOfRangeException(nameof(format));

    /// <summary>
    /// Gets the other names <see cref="TryParse"/> accepts for a format besides its canonical name and its enum name
    /// (lower-case, <c>-</c> where vLLM writes <c>_</c>; for example <c>qwen3</c> and <c>qwen2.5</c> for
    /// <see cref="ToolCallFormat.Hermes"/>). Empty for <see cref="ToolCallFormat.Auto"/>.
    /// </summary>
    /// <param name="format">The format.</param>
    /// <returns>The aliases, in a fixed order; the list is read-only and shared.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public static IReadOnlyList<string> GetAliases(ToolCallFormat format)
        => format == ToolCallFormat.Auto ? [] : FormatFamilies.Get(format)?.AliasList ?? throw new ArgumentOutOfRangeException(nameof(format));

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
        if (string.Equals(n, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var family in FormatFamilies.All)
        {
            if (string.Equals(family.Name, n, StringComparison.OrdinalIgnoreCase)
                || Array.Exists(family.Aliases, a => string.Equals(a, n, StringComparison.OrdinalIgnoreCase)))
            {
                format = family.Format;
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

        return Array.Find(FormatFamilies.All, f => f.MatchesTemplate(chatTemplate))?.Format ?? ToolCallFormat.Auto;
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
        return Array.Find(FormatFamilies.All, f => f.MatchesModelName(n))?.Format ?? ToolCallFormat.Auto;
    }
}
