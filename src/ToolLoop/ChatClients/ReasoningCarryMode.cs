namespace ToolLoop;

/// <summary>Which <c>TextReasoningContent</c> the loop sends back to the model.</summary>
public enum ReasoningCarryMode
{
    /// <summary>Send all reasoning as it is in the history; the chat template decides what to render (right for Qwen3 and most templates).</summary>
    All = 0,

    /// <summary>Keep reasoning produced since the last user message (the current tool-call chain) and drop older reasoning (DeepSeek R1 / Kimi K2 thinking style).</summary>
    CurrentTurn,

    /// <summary>Never send reasoning back to the model.</summary>
    None,
}
