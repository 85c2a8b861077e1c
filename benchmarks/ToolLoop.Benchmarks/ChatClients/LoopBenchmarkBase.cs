using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>
/// What the area 4 benchmarks share: the per-round columns (a request divided by its five tool rounds), grouping by
/// category, and the one request (<see cref="LoopFixture"/>) every client under test gets, streaming and not.
/// </summary>
[PerUnit("round", LoopFixture.Rounds)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class LoopBenchmarkBase
{
    private readonly LoopFixture _fixture = new();

    /// <summary>Sends the request to <paramref name="client"/>, non-streaming.</summary>
    protected Task<ChatResponse> Respond(IChatClient client) => client.GetResponseAsync(_fixture.Messages, _fixture.Options);

    /// <summary>Sends the request to <paramref name="client"/>, streaming, and drains the stream.</summary>
    protected Task<int> Stream(IChatClient client) => Drain(client.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options));

    /// <summary>Throws unless <paramref name="client"/> runs the tool five times and answers, non-streaming.</summary>
    protected void VerifyResponse(string name, IChatClient client) => _fixture.Verify(name, async () => (await Respond(client)).Text);

    /// <summary>Throws unless <paramref name="client"/> runs the tool five times and answers, streaming.</summary>
    protected void VerifyStream(string name, IChatClient client) => _fixture.Verify(name, () => LoopFixture.TextOf(client.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options)));

    /// <summary>Drains a stream; returns how many contents it carried (so the work cannot be optimized away).</summary>
    internal static async Task<int> Drain(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        int n = 0;
        await foreach (var update in updates)
        {
            n += update.Contents.Count;
        }

        return n;
    }
}
