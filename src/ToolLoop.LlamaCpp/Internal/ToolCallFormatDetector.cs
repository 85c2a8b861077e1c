namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Guesses a model family's tool-call markup from the markers its chat template writes.</summary>
internal static class ToolCallFormatDetector
{
    public static ToolCallFormat Detect(string? template)
    {
        if (string.IsNullOrEmpty(template))
        {
            return ToolCallFormat.Auto;
        }

        bool Has(string marker) => template.Contains(marker, StringComparison.Ordinal);
        if (Has("<tool_call>") && Has("<function="))
        {
            return ToolCallFormat.Qwen3Coder;
        }

        if (Has("<tool_call>") && Has("<arg_key>"))
        {
            return ToolCallFormat.Glm;
        }

        if (Has("<tool_call>"))
        {
            return ToolCallFormat.Hermes;
        }

        if (Has("[TOOL_CALLS]"))
        {
            return ToolCallFormat.Mistral;
        }

        if (Has("<|python_tag|>") || Has("<|start_header_id|>ipython"))
        {
            return ToolCallFormat.Llama3;
        }

        if (Has("<|tool_calls_section_begin|>"))
        {
            return ToolCallFormat.Kimi;
        }

        if (Has("<｜tool▁calls▁begin｜>"))
        {
            return ToolCallFormat.DeepSeek;
        }

        if (Has("<|tool_call>"))
        {
            return ToolCallFormat.Gemma4;
        }

        return ToolCallFormat.Auto;
    }
}
