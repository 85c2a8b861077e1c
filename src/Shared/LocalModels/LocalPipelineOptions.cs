using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>How an adapter configures its <see cref="LocalChatPipeline"/>.</summary>
internal sealed class LocalPipelineOptions
{
    /// <summary>Renders conversations into prompts.</summary>
    public required IPromptRenderer Renderer { get; init; }

    /// <summary>The tool-call family parsed from the output.</summary>
    public required ToolCallFormat Format { get; init; }

    /// <summary>The model id reported in updates.</summary>
    public required string ModelId { get; init; }

    /// <summary>The prefix of response ids, for example <c>llamacpp-</c>.</summary>
    public required string ResponseIdPrefix { get; init; }

    /// <summary>The adapter's client type, named by <see cref="ObjectDisposedException"/>.</summary>
    public required Type ClientType { get; init; }

    /// <summary>Creates the exception for a prompt of <c>tokens</c> that does not fit a context of <c>contextSize</c> (the adapter's typed exception).</summary>
    public required Func<int, int, Exception> PromptTooLong { get; init; }

    /// <summary>The token limit when <c>ChatOptions.MaxOutputTokens</c> is not set; null for none.</summary>
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Creates the output parser of a request; null: ToolLoop's streaming parser for <see cref="Format"/>.</summary>
    public Func<RenderedPrompt, IReadOnlyList<AIFunctionDeclaration>, IModelOutputParser>? ParserFactory { get; init; }

    /// <summary>Chooses the grammar that constrains a request's sampling (tool calls, JSON output); null or returning null: none.</summary>
    public Func<GrammarRequest, SamplerGrammar?>? GrammarSelector { get; init; }

    /// <summary>Runs once when the pipeline has released its session (for example to free a model the adapter owns).</summary>
    public Action? OnDisposed { get; init; }
}
