using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>What a grammar selector sees of a request: the options, the tools actually declared in the prompt, the family parsed, and the rendered prompt.</summary>
internal sealed record GrammarRequest(ChatOptions? Options, IReadOnlyList<AIFunctionDeclaration> Tools, ToolCallFormat Format, RenderedPrompt Prompt);
