using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>
/// Area 4: ToolLoop's loop next to Microsoft's <see cref="FunctionInvokingChatClient"/> (the peer users would pick) on
/// the same instant client and tool: one request of five rounds of one structured call, then an answer, streaming and
/// not. Per-round columns divide the request by its five tool rounds; the instant client's own cost is in both.
/// </summary>
public class LoopBenchmarks : LoopBenchmarkBase
{
    private IChatClient _toolLoop = null!;
    private IChatClient _ficc = null!;

    /// <summary>Builds both loops over one instant client and checks each runs five rounds and answers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var inner = new InstantChatClient(LoopFixture.Rounds, hermesText: false);
        _toolLoop = inner.AsToolLoop();
        _ficc = new FunctionInvokingChatClient(inner);
        VerifyResponse(nameof(ToolLoop), _toolLoop);
        VerifyResponse(nameof(Ficc), _ficc);
        VerifyStream(nameof(ToolLoopStreaming), _toolLoop);
        VerifyStream(nameof(FiccStreaming), _ficc);
    }

    /// <summary>Baseline: FunctionInvokingChatClient, non-streaming.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GetResponseAsync")]
    public Task<ChatResponse> Ficc() => Respond(_ficc);

    /// <summary>ToolLoop, non-streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("GetResponseAsync")]
    public Task<ChatResponse> ToolLoop() => Respond(_toolLoop);

    /// <summary>Baseline: FunctionInvokingChatClient, streaming.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GetStreamingResponseAsync")]
    public Task<int> FiccStreaming() => Stream(_ficc);

    /// <summary>ToolLoop, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("GetStreamingResponseAsync")]
    public Task<int> ToolLoopStreaming() => Stream(_toolLoop);

    /// <summary>Disposes the clients.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _toolLoop?.Dispose();
        _ficc?.Dispose();
    }
}
