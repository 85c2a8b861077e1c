namespace ToolLoop;

/// <summary>Why a piece of model text that looked like a tool call could not be delivered as one.</summary>
public enum ToolCallProblemKind
{
    /// <summary>Call markup whose body cannot be read: invalid JSON, no tool name, arguments that are not an object.</summary>
    Malformed = 0,

    /// <summary>The output ended inside a call that could not be completed by closing what was open.</summary>
    Truncated,

    /// <summary>The call was larger than <see cref="ToolCallParserOptions.MaxToolCallBytes"/>.</summary>
    TooLarge,

    /// <summary>The call's JSON was nested deeper than <see cref="ToolCallParserOptions.MaxJsonDepth"/>.</summary>
    TooDeep,
}
