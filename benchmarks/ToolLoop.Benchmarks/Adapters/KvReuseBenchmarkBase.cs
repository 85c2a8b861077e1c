using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, KV reuse, for every adapter: a five-round tool loop (the scripted model calls <c>get_weather</c> every
/// round; see <see cref="TinyModels.Loop"/>) through <see cref="ToolLoopChatClient"/> over one client, which keeps its
/// cache between rounds, next to the same loop over a fresh client per request (no reuse: every request decodes its
/// whole prompt). The setup runs each once on a new client, checks both made the same rounds, and records the tokens
/// decoded and the final prompt's length (target: with reuse, at most 1.2× the final prompt). A derived class loads
/// one runtime's model and makes its clients.
/// </summary>
public abstract class KvReuseBenchmarkBase
{
    /// <summary>Rounds of the loop: one model request each.</summary>
    public const int Rounds = 5;

    private readonly AIFunction _tool = AIFunctionFactory.Create((string city) => $"Sunny in {city}, 21 C.", "get_weather", "Gets the current weather for a city.");
    private IChatClient _withReuse = null!;
    private IChatClient _withoutReuse = null!;
    private ChatOptions _options = null!;

    /// <summary>Gets the conversation every loop starts from.</summary>
    private static List<ChatMessage> Conversation => [new(ChatRole.System, "You are a weather assistant."), new(ChatRole.User, "What is the weather in Paris?")];

    /// <summary>Loads the model, runs each loop once on a new client and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Load();
        _options = new ChatOptions { Tools = [_tool] };
        var counting = new CountingClient(NewClient, freshPerRequest: false);
        Loop(counting).GetResponseAsync(Conversation, _options).GetAwaiter().GetResult();
        var fresh = new CountingClient(NewClient, freshPerRequest: true);
        Loop(fresh).GetResponseAsync(Conversation, _options).GetAwaiter().GetResult();
        if (counting.Requests != Rounds || fresh.Requests != Rounds || counting.Calls != Rounds)
        {
            throw new InvalidOperationException($"The loop made {counting.Requests} requests with {counting.Calls} calls (fresh clients: {fresh.Requests}); expected {Rounds} rounds of one call.");
        }

        if (counting.LastPromptTokens != fresh.LastPromptTokens)
        {
            throw new InvalidOperationException($"The final prompts differ: {counting.LastPromptTokens} and {fresh.LastPromptTokens} tokens.");
        }

        // BenchmarkDotNet runs a class it generates, derived from the benchmark class: record under the benchmark class.
        Type benchmark = GetType();
        while (benchmark.BaseType != typeof(KvReuseBenchmarkBase))
        {
            benchmark = benchmark.BaseType!;
        }

        RecordedFigures.Set(benchmark, "rounds", counting.Requests);
        RecordedFigures.Set(benchmark, "decodedWithReuse", counting.Decoded);
        RecordedFigures.Set(benchmark, "decodedWithoutReuse", fresh.Decoded);
        RecordedFigures.Set(benchmark, "finalPromptTokens", counting.LastPromptTokens);
        counting.Dispose();
        fresh.Dispose();

        _withReuse = Loop(NewClient());
        _withoutReuse = Loop(new CountingClient(NewClient, freshPerRequest: true));
    }

    /// <summary>Baseline: no reuse (a new client and cache per request).</summary>
    [Benchmark(Baseline = true)]
    public Task<ChatResponse> LoopWithoutReuse() => _withoutReuse.GetResponseAsync(Conversation, _options);

    /// <summary>One client whose cache carries over between rounds (and between iterations: the next loop reuses the system prompt).</summary>
    [Benchmark]
    public Task<ChatResponse> LoopWithReuse() => _withReuse.GetResponseAsync(Conversation, _options);

    /// <summary>Frees the clients, then the model.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _withReuse.Dispose();
        _withoutReuse.Dispose();
        Unload();
    }

    /// <summary>Loads the runtime and the loop's scripted model.</summary>
    protected abstract void Load();

    /// <summary>Creates a client on the loaded model (a new cache).</summary>
    protected abstract IChatClient NewClient();

    /// <summary>Frees the model (after every client on it).</summary>
    protected abstract void Unload();

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
}
