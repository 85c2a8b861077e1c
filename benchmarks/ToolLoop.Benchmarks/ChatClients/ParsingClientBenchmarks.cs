using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>
/// Area 4, the parsing client: the same five-round loop when the model writes its calls as Hermes
/// <c>&lt;tool_call&gt;</c> text read by <see cref="ToolCallParsingChatClient"/>, next to the same content as
/// structured calls (the baseline), streaming and not; and one response through the parsing client alone.
/// </summary>
public class ParsingClientBenchmarks : LoopBenchmarkBase
{
    private IChatClient _structured = null!;
    private IChatClient _structuredLoop = null!;
    private IChatClient _parsing = null!;
    private IChatClient _parsingLoop = null!;

    /// <summary>Builds the clients and checks that both loops run five rounds and answer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _structured = new InstantChatClient(LoopFixture.Rounds, hermesText: false);
        _structuredLoop = _structured.AsToolLoop();
        _parsing = new InstantChatClient(LoopFixture.Rounds, hermesText: true).AsToolCallParsing(ToolCallFormat.Hermes);
        _parsingLoop = _parsing.AsToolLoop();
        VerifyResponse(nameof(HermesTextLoop), _parsingLoop);
        VerifyStream(nameof(HermesTextLoopStreaming), _parsingLoop);
        var one = OneHermesResponse().GetAwaiter().GetResult();
        if (one.Messages[^1].Contents.OfType<FunctionCallContent>().Count() != 1)
        {
            throw new InvalidOperationException("The parsing client did not turn the Hermes text into one FunctionCallContent.");
        }
    }

    /// <summary>Baseline: the loop over structured calls.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("loop")]
    public Task<ChatResponse> StructuredLoop() => Respond(_structuredLoop);

    /// <summary>The loop over Hermes text through the parsing client.</summary>
    [Benchmark]
    [BenchmarkCategory("loop")]
    public Task<ChatResponse> HermesTextLoop() => Respond(_parsingLoop);

    /// <summary>Baseline: the streaming loop over structured calls.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("loop streaming")]
    public Task<int> StructuredLoopStreaming() => Stream(_structuredLoop);

    /// <summary>The streaming loop over Hermes text (4-char updates) through the parsing client.</summary>
    [Benchmark]
    [BenchmarkCategory("loop streaming")]
    public Task<int> HermesTextLoopStreaming() => Stream(_parsingLoop);

    /// <summary>Baseline: one structured call response, no loop and no parsing.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("one response")]
    [PerUnit("round", 1)]
    public Task<ChatResponse> OneStructuredResponse() => Respond(_structured);

    /// <summary>One Hermes text response through the parsing client.</summary>
    [Benchmark]
    [BenchmarkCategory("one response")]
    [PerUnit("round", 1)]
    public Task<ChatResponse> OneHermesResponse() => Respond(_parsing);

    /// <summary>Disposes the clients.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _structuredLoop?.Dispose();
        _parsingLoop?.Dispose();
    }
}
