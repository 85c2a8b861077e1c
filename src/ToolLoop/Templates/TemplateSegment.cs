namespace ToolLoop;

/// <summary>
/// A piece of a rendered prompt: either template framing (literal template text and values the
/// template computed itself) or data (text that came from message contents, reasoning, tool calls,
/// tool results or tool declarations).
/// </summary>
/// <remarks>
/// Adapters tokenize framing with special-token parsing and data without it, so a tool result
/// containing <c>&lt;|im_end|&gt;</c> or <c>&lt;/tool_response&gt;</c> becomes ordinary text tokens and
/// cannot end a turn or forge a call. Concatenating every segment's <see cref="Text"/> gives the
/// prompt text.
/// </remarks>
/// <param name="Text">The text of the segment; never empty in rendered output.</param>
/// <param name="IsData">True when the text derives from untrusted data; false for template framing.</param>
public readonly record struct TemplateSegment(string Text, bool IsData);
