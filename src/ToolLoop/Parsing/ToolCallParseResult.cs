namespace ToolLoop;

/// <summary>The whole parse of one model output.</summary>
/// <param name="Content">Visible text with markup removed.</param>
/// <param name="Reasoning">Reasoning text.</param>
/// <param name="Calls">Tool calls in output order.</param>
/// <param name="Problems">Call-shaped text that could not be delivered as a call, with its raw text.</param>
public sealed record ToolCallParseResult(
    string Content,
    string Reasoning,
    IReadOnlyList<ParsedToolCall> Calls,
    IReadOnlyList<ToolCallParseProblem> Problems);
