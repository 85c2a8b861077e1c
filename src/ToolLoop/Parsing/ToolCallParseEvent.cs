namespace ToolLoop;

/// <summary>One piece of parser output, in the order of the model text.</summary>
public readonly record struct ToolCallParseEvent
{
    private readonly object? _payload;

    private ToolCallParseEvent(ToolCallParseEventKind kind, object payload)
    {
        Kind = kind;
        _payload = payload;
    }

    /// <summary>Gets the kind of event.</summary>
    public ToolCallParseEventKind Kind { get; }

    /// <summary>Gets the text of a <see cref="ToolCallParseEventKind.Content"/> or <see cref="ToolCallParseEventKind.Reasoning"/> event, otherwise <see langword="null"/>.</summary>
    public string? Text => _payload as string;

    /// <summary>Gets the call of a <see cref="ToolCallParseEventKind.ToolCall"/> event, otherwise <see langword="null"/>.</summary>
    public ParsedToolCall? Call => _payload as ParsedToolCall;

    /// <summary>Gets the problem of a <see cref="ToolCallParseEventKind.Problem"/> event, otherwise <see langword="null"/>.</summary>
    public ToolCallParseProblem? Problem => _payload as ToolCallParseProblem;

    /// <summary>Creates a content event.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The event.</returns>
    public static ToolCallParseEvent ForContent(string text) => new(ToolCallParseEventKind.Content, text);

    /// <summary>Creates a reasoning event.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The event.</returns>
    public static ToolCallParseEvent ForReasoning(string text) => new(ToolCallParseEventKind.Reasoning, text);

    /// <summary>Creates a tool-call event.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The event.</returns>
    public static ToolCallParseEvent ForCall(ParsedToolCall call) => new(ToolCallParseEventKind.ToolCall, call);

    /// <summary>Creates a problem event.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>The event.</returns>
    public static ToolCallParseEvent ForProblem(ToolCallParseProblem problem) => new(ToolCallParseEventKind.Problem, problem);
}
