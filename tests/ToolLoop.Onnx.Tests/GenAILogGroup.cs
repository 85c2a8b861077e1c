namespace ToolLoop.Onnx.Tests;

/// <summary>Tests that switch GenAI's process-wide log options run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GenAILogGroup
{
    public const string Name = "GenAI log options";
}
