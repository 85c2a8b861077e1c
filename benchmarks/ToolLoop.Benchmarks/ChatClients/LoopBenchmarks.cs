using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>
/// Area 4: ToolLoop's loop next to Microsoft's <see cref="FunctionInvokingChatClient"/> (the peer users would pick) on
/// the same instant client and tool: one request of five rounds of one structured call, then an answer, streaming and
/// not. Per-round columns divide the request by its five tool rounds; the instant client's own cost is in both.
/// </summary>
[PerUnit("round", LoopFixture.Rounds)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LoopBenchmarks
{
    private readonly LoopFixture _fixture = new();
    private IChatClient _toolLoop = null!;
    private IChatClient _ficc = null!;

    /// <summary>Builds both loops over one instant client and checks each runs five rounds and answers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var inner = new InstantChatClient(LoopFixture.Rounds, hermesText: false);
        _toolLoop = inner.AsToolLoop();
        _ficc = new FunctionInvokingChatClient(inner);
        _fixture.Verify(nameof(ToolLoop), async () => (await ToolLoop()).Text);
        _fixture.Verify(nameof(Ficc), async () => (await Ficc()).Text);
        _fixture.Verify(nameof(ToolLoopStreaming), () => LoopFixture.TextOf(_toolLoop.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options)));
        _fixture.Verify(nameof(FiccStreaming), () => LoopFixture.TextOf(_ficc.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options)));
    }

    /// <summary>Baseline: FunctionInvokingChatClient, non-streaming.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GetResponseAsync")]
    public Task<ChatResponse> Ficc() => _ficc.GetResponseAsync(_fixture.Messages, _fixture.Options);

    /// <summary>ToolLoop, non-streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("GetResponseAsync")]
    public Task<ChatResponse> ToolLoop() => _toolLoop.GetResponseAsync(_fixture.Messages, _fixture.Options);

    /// <summary>Baseline: FunctionInvokingChatClient, streaming.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GetStreamingResponseAsync")]
    public Task<int> FiccStreaming() => Drain(_ficc.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options));

    /// <summary>ToolLoop, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("GetStreamingResponseAsync")]
    public Task<int> ToolLoopStreaming() => Drain(_toolLoop.GetStreamingResponseAsync(_fixture.Messages, _fixture.Options));

    /// <summary>Disposes the clients.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _toolLoop?.Dispose();
        _ficc?.Dispose();
    }

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
