namespace ToolLoop;

/// <summary>A tool call read from model text.</summary>
/// <param name="Id">The call id: the model's own where its family writes one, otherwise generated (see <see cref="ToolCallParserOptions.CallIdFactory"/>).</param>
/// <param name="Name">The tool name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object (never <see langword="null"/>; <c>{}</c> for none).</param>
/// <param name="Healed">
/// <see langword="true"/> when the output ended inside this call and only structure was missing (closing brackets,
/// braces or tags), which the parser supplied. Every value in a healed call is complete as written: a call cut inside a
/// value is reported as a <see cref="ToolCallProblemKind.Truncated"/> problem instead.
/// </param>
/// <param name="Format">The family whose markup the call was written in.</param>
public sealed record ParsedToolCall(string Id, string Name, string ArgumentsJson, bool Healed, ToolCallFormat Format)
{
    /// <summary>
    /// Gets the members of the call object that are neither the name, the arguments, nor a field the family defines
    /// (such as Mistral's <c>id</c>), as a JSON object in the order written; <see langword="null"/> when there are
    /// none. They are kept rather than dropped so that nothing the model wrote is lost; the parser gives them no meaning.
    /// </summary>
    public string? AdditionalFieldsJson { get; init; }
}
