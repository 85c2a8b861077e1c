using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>Turns streamed model text into contents: text, reasoning and tool calls.</summary>
internal interface IModelOutputParser : IDisposable
{
    /// <summary>Consumes a chunk of model text; adds the contents it completes to <paramref name="output"/>.</summary>
    void Append(string text, List<AIContent> output);

    /// <summary>Ends the stream; adds whatever was held back to <paramref name="output"/>.</summary>
    void Complete(List<AIContent> output);
}
