namespace ToolLoop;

/// <summary>Model text that looked like a tool call but could not be delivered as one. Its raw text is kept.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">A human-readable explanation, suitable to show the model so that it can correct itself.</param>
/// <param name="RawText">The exact model text of the call, markers included.</param>
/// <param name="ToolName">The tool name when it could be read, otherwise <see langword="null"/>.</param>
/// <param name="RawArguments">
/// When the call was readable but its arguments were not a JSON object (a bare string, a number, a string that does
/// not hold an object): the arguments as written (JSON text), so a tool loop can heal them; otherwise <see langword="null"/>.
/// </param>
public sealed record ToolCallParseProblem(ToolCallProblemKind Kind, string Message, string RawText, string? ToolName = null, string? RawArguments = null);
