namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// A piece of a rendered prompt. Framing (<see cref="IsData"/> false) is tokenized with special-token
/// parsing; data (message text, tool results, arguments, tool declarations) without it, so text that
/// looks like a control token stays text.
/// </summary>
internal readonly record struct PromptSegment(string Text, bool IsData);
