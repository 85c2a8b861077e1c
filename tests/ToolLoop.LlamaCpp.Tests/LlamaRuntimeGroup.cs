namespace ToolLoop.LlamaCpp.Tests;

/// <summary>Tests on the real runtime share one process-wide llama.cpp and run one at a time (2 shared cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LlamaRuntimeGroup
{
    public const string Name = "llama.cpp";
}
