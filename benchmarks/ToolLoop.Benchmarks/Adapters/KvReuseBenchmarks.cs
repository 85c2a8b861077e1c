using BenchmarkDotNet.Attributes;
using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.LlamaCpp;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse: a five-round tool loop (the model calls <c>get_weather</c> every round; see
/// <see cref="TinyModels.Loop"/>) through <see cref="ToolLoopChatClient"/> over one <see cref="LlamaCppChatClient"/>,
/// which keeps its cache between rounds, next to the same loop over a fresh client per request (no reuse: every request
/// decodes its whole prompt). The setup runs each once on a new client and records the tokens decoded and the final
/// prompt's length (target: with reuse, at most 1.2× the final prompt).
/// </summary>
public class KvReuseBenchmarks
{
    /// <summary>Rounds of the loop: one model request each.</summary>
    public const int Rounds = 5;

    private readonly AIFunction _tool = AIFunctionFactory.Create((string city) => $"Sunny in {city}, 21 C.", "get_weather", "Gets the current weather for a city.");
    private LLamaWeights _weights = null!;
    private LlamaCppChatClientOptions _clientOptions = null!;
    private LlamaCppChatClient _shared = null!;
    private IChatClient _withReuse = null!;
    private IChatClient _withoutReuse = null!;
    private ChatOptions _options = null!;

    /// <summary>Gets the conversation every loop starts from.</summary>
    private static List<ChatMessage> Conversation => [new(ChatRole.System, "You are a weather assistant."), new(ChatRole.User, "What is the weather in Paris?")];

    /// <summary>Loads the model, runs each loop once on a new client and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        LlamaCppRuntime.Initialize();
        int threads = LlamaCppChatClientOptions.DefaultThreadCount;
        _clientOptions = new LlamaCppChatClientOptions { ContextSize = 8192, ThreadCount = threads, BatchThreadCount = threads };
        _weights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Loop)));
        _options = new ChatOptions { Tools = [_tool] };

        var counting = new CountingClient(() => new LlamaCppChatClient(_weights, _clientOptions), freshPerRequest: false);
        Loop(counting).GetResponseAsync(Conversation, _options).GetAwaiter().GetResult();
        var fresh = new CountingClient(() => new LlamaCppChatClient(_weights, _clientOptions), freshPerRequest: true);
        Loop(fresh).GetResponseAsync(Conversation, _options).GetAwaiter().GetResult();
        if (counting.Requests != Rounds || fresh.Requests != Rounds || counting.Calls != Rounds)
        {
            throw new InvalidOperationException($"The loop made {counting.Requests} requests with {counting.Calls} calls (fresh clients: {fresh.Requests}); expected {Rounds} rounds of one call.");
        }

        if (counting.LastPromptTokens != fresh.LastPromptTokens)
        {
            throw new InvalidOperationException($"The final prompts differ: {counting.LastPromptTokens} and {fresh.LastPromptTokens} tokens.");
        }

        RecordedFigures.Set(typeof(KvReuseBenchmarks), "rounds", counting.Requests);
        RecordedFigures.Set(typeof(KvReuseBenchmarks), "decodedWithReuse", counting.Decoded);
        RecordedFigures.Set(typeof(KvReuseBenchmarks), "decodedWithoutReuse", fresh.Decoded);
        RecordedFigures.Set(typeof(KvReuseBenchmarks), "finalPromptTokens", counting.LastPromptTokens);
        counting.Dispose();
        fresh.Dispose();

        _shared = new LlamaCppChatClient(_weights, _clientOptions);
        _withReuse = Loop(_shared);
        _withoutReuse = Loop(new CountingClient(() => new LlamaCppChatClient(_weights, _clientOptions), freshPerRequest: true));
    }

    /// <summary>Baseline: no reuse (a new client, context and cache per request).</summary>
    [Benchmark(Baseline = true)]
    public Task<ChatResponse> LoopWithoutReuse() => _withoutReuse.GetResponseAsync(Conversation, _options);

    /// <summary>One client whose cache carries over between rounds (and between iterations: the next loop reuses the system prompt).</summary>
    [Benchmark]
    public Task<ChatResponse> LoopWithReuse() => _withReuse.GetResponseAsync(Conversation, _options);

    /// <summary>Frees the clients and the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _withReuse.Dispose();
        _withoutReuse.Dispose();
        _weights.Dispose();
    }

    /// <summary>
    /// The loop, stopped by its round hook after five rounds. The model repeats the same call, which the loop answers
    /// with the earlier result (a duplicate is not run again), so the duplicate limit is raised above five.
    /// </summary>
    private static ToolLoopChatClient Loop(IChatClient inner) =>
        inner.AsToolLoop(new ToolLoopOptions
        {
            MaximumDuplicateCalls = 100,
            RoundCompleted = (round, _) =>
            {
                round.StopRequested = round.Messages.Count(m => m.Role == ChatRole.Assistant) >= Rounds;
                return ValueTask.CompletedTask;
            },
        });

    /// <summary>Forwards to a llama.cpp client (the same one, or a new one per request) and adds up its statistics.</summary>
    private sealed class CountingClient(Func<LlamaCppChatClient> create, bool freshPerRequest) : IChatClient
    {
        private LlamaCppChatClient? _client;

        public int Requests { get; private set; }

        public int Calls { get; private set; }

        public long Decoded { get; private set; }

        public int LastPromptTokens { get; private set; }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (freshPerRequest || _client is null)
            {
                _client?.Dispose();
                _client = create();
            }

            long before = _client.Statistics.TotalTokensDecoded;
            var response = await _client.GetResponseAsync(messages, options, cancellationToken);
            Requests++;
            Calls += response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count();
            Decoded += _client.Statistics.TotalTokensDecoded - before;
            LastPromptTokens = _client.Statistics.PromptTokens;
            return response;
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The KV reuse benchmark runs the loop without streaming.");

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() => _client?.Dispose();
    }
}
