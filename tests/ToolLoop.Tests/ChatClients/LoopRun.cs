using Microsoft.Extensions.AI;

namespace ToolLoop.Tests.ChatClients;

/// <summary>The outcome of one request through the loop, in either mode.</summary>
public sealed class LoopRun(LoopScenario scenario, ChatResponse response, IReadOnlyList<ChatResponseUpdate>? updates)
{
    public LoopScenario Scenario { get; } = scenario;

    public ChatResponse Response { get; } = response;

    /// <summary>The streamed updates, or <see langword="null"/> for a non-streaming run.</summary>
    public IReadOnlyList<ChatResponseUpdate>? Updates { get; } = updates;

    public string? StopReason => Response.AdditionalProperties?[ToolLoopPropertyNames.StopReason] as string;

    public string History => LoopHarness.Describe(Response.Messages);

    public IEnumerable<FunctionCallContent> Calls => Response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>();

    public IEnumerable<FunctionResultContent> Results => Response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>();

    public string ResultText(string callId) => ToolLoopJson.ResultText(Results.Single(r => r.CallId == callId).Result);
}
