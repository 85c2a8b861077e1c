using System.Text.Json;

namespace ToolLoop;

/// <summary>A tool the model was offered in this request: its name and, optionally, its parameters' JSON schema.</summary>
/// <remarks>
/// The parser uses declared tools to type the values of tagged families (Qwen3-Coder, GLM) from the schema, and to
/// recognise bare JSON calls (Llama 3, <see cref="ToolCallFormat.Auto"/>) only for declared names.
/// </remarks>
/// <param name="Name">The tool's name, compared ordinally.</param>
/// <param name="ParametersSchema">The JSON schema of the tool's parameters (an object schema), or <see langword="null"/>.</param>
public sealed record DeclaredTool(string Name, JsonElement? ParametersSchema = null);
