namespace ToolLoop;

/// <summary>A tool call read from model text.</summary>
/// <param name="Id">The call id: the model's own where its family writes one, otherwise generated (see <see cref="ToolCallParserOptions.CallIdFactory"/>).</param>
/// <param name="Name">The tool name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object (never <see langword="null"/>; <c>{}</c> for none).</param>
/// <param name="Healed">
/// <see langword="true"/> when the output ended inside this call and it was completed by closing open strings,
/// arrays, objects or tags. A healed call may hold a truncated value: check it before running the tool.
/// </param>
/// <param name="Format">The family whose markup the call was written in.</param>
public sealed record ParsedToolCall(string Id, string Name, string ArgumentsJson, bool Healed, ToolCallFormat Format);
