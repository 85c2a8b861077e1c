namespace ToolLoop.Parsing;

/// <summary>What <see cref="JsonCalls"/> read from a call: a call (<see cref="Problem"/> null) or a problem.</summary>
internal readonly record struct JsonCallRead
{
    public string? Name { get; init; }

    public string? Arguments { get; init; }

    public string? Id { get; init; }

    public string? AdditionalFields { get; init; }

    /// <summary>Gets the keys of <see cref="AdditionalFields"/>, or <see langword="null"/> when there are none.</summary>
    public List<string>? AdditionalKeys { get; init; }

    public bool Healed { get; init; }

    /// <summary>Gets a value indicating whether the call object had an arguments member.</summary>
    public bool HasArguments { get; init; }

    public ToolCallProblemKind? Problem { get; init; }

    public string? Message { get; init; }

    /// <summary>Gets the tool name of a problem, when it was readable.</summary>
    public string? ToolName { get; init; }

    /// <summary>Gets the argument text of a problem, when an argument body was found.</summary>
    public string? RawArguments { get; init; }

    public static JsonCallRead Ok(string name, string arguments, string? id, string? additionalFields, bool healed, bool hasArguments = true, List<string>? additionalKeys = null)
        => new() { Name = name, Arguments = arguments, Id = id, AdditionalFields = additionalFields, Healed = healed, HasArguments = hasArguments, AdditionalKeys = additionalKeys };

    public static JsonCallRead Fail(ToolCallProblemKind kind, string message, string? toolName, string? rawArguments)
        => new() { Problem = kind, Message = message, ToolName = toolName, RawArguments = rawArguments };
}
