namespace ToolLoop;

/// <summary>Options for <see cref="ToolCallParsingChatClient"/>.</summary>
/// <remarks>
/// Per-request overrides go in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>:
/// <c>toolloop.format</c> (a format name such as <c>"hermes"</c>, or a <see cref="ToolCallFormat"/>) and
/// <c>toolloop.reasoning_open</c> (<see langword="bool"/>).
/// </remarks>
public sealed class ToolCallParsingOptions
{
    /// <summary>The <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> key that overrides <see cref="Format"/> for one request.</summary>
    public const string FormatKey = "toolloop.format";

    /// <summary>The <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> key that overrides <see cref="StartInReasoning"/> for one request.</summary>
    public const string ReasoningOpenKey = "toolloop.reasoning_open";

    /// <summary>Gets or sets the markup to read. Default: <see cref="ToolCallFormat.Auto"/>.</summary>
    public ToolCallFormat Format { get; set; } = ToolCallFormat.Auto;

    /// <summary>Gets or sets a value indicating whether the model's output starts inside reasoning (its prompt pre-opened it). Default: <see langword="false"/>.</summary>
    public bool StartInReasoning { get; set; }

    /// <summary>Gets or sets the largest call the parser buffers. Default: <see cref="ToolCallParserOptions.DefaultMaxToolCallBytes"/>.</summary>
    public int MaxToolCallBytes { get; set; } = ToolCallParserOptions.DefaultMaxToolCallBytes;

    /// <summary>Gets or sets the deepest JSON nesting accepted in a call. Default: <see cref="ToolCallParserOptions.DefaultMaxJsonDepth"/>.</summary>
    public int MaxJsonDepth { get; set; } = ToolCallParserOptions.DefaultMaxJsonDepth;

    /// <summary>
    /// Gets or sets the factory of ids for calls whose family does not write one, given the family and the call's
    /// index in the response. Default: <see langword="null"/>: a unique <c>call_</c> + 24 hex digits, or nine random
    /// alphanumerics for Mistral (its templates demand that shape). Ids must be unique in a conversation.
    /// </summary>
    public Func<ToolCallFormat, int, string>? CallIdFactory { get; set; }
}
