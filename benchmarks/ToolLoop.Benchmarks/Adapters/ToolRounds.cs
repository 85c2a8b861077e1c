using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// The five-round tool loop both adapters' KV reuse benchmarks run: the scripted model calls <c>get_weather</c> every
/// round (see <see cref="TinyModels.Loop"/>), and <see cref="ToolLoopChatClient"/> stops after <see cref="Rounds"/>
/// requests. <see cref="Record"/> runs it once on one client (reuse) and once on a new client per request (no reuse),
/// checks both did the same rounds, and records the tokens decoded and the final prompt's length.
/// </summary>
internal static class ToolRounds
{
    /// <summary>Rounds of the loop: one model request each.</summary>
    public const int Rounds = 5;

    private static readonly AIFunction s_tool = AIFunctionFactory.Create((string city) => $"Sunny in {city}, 21 C.", "get_weather", "Gets the current weather for a city.");

    /// <summary>Gets the conversation every loop starts from.</summary>
    public static List<ChatMessage> Conversation => [new(ChatRole.System, "You are a weather assistant."), new(ChatRole.User, "What is the weather in Paris?")];

    /// <summary>Gets new options declaring the tool.</summary>
    public static ChatOptions Options => new() { Tools = [s_tool] };

    /// <summary>
    /// The loop, stopped by its round hook after five rounds. The model repeats the same call, which the loop answers
    /// with the earlier result (a duplicate is not run again), so the duplicate limit is raised above five.
    /// </summary>
    public static ToolLoopChatClient Loop(IChatClient inner) =>
        inner.AsToolLoop(new ToolLoopOptions
        {
            MaximumDuplicateCalls = 100,
            RoundCompleted = (round, _) =>
            {
                round.StopRequested = round.Messages.Count(m => m.Role == ChatRole.Assistant) >= Rounds;
                return ValueTask.CompletedTask;
            },
        });

    /// <summary>
    /// Runs the loop once over one client from <paramref name="create"/> and once over a new client per request,
    /// checks both made <see cref="Rounds"/> requests of one call and ended on the same prompt, and records
    /// <c>rounds</c>, <c>decodedWithReuse</c>, <c>decodedWithoutReuse</c> and <c>finalPromptTokens</c> for <paramref name="benchmarkType"/>.
    /// </summary>
    public static void Record(Type benchmarkType, Func<IChatClient> create, Func<IChatClient, (long TotalTokensDecoded, int PromptTokens)> read)
    {
        using var counting = new CountingClient(create, read, freshPerRequest: false);
        Loop(counting).GetResponseAsync(Conversation, Options).GetAwaiter().GetResult();
        using var fresh = new CountingClient(create, read, freshPerRequest: true);
        Loop(fresh).GetResponseAsync(Conversation, Options).GetAwaiter().GetResult();
        if (counting.Requests != Rounds || fresh.Requests != Rounds || counting.Calls != Rounds)
        {
            throw new InvalidOperationException($"The loop made {counting.Requests} requests with {counting.Calls} calls (fresh clients: {fresh.Requests}); expected {Rounds} rounds of one call.");
        }

        if (counting.LastPromptTokens != fresh.LastPromptTokens)
        {
            throw new InvalidOperationException($"The final prompts differ: {counting.LastPromptTokens} and {fresh.LastPromptTokens} tokens.");
        }

        RecordedFigures.Set(benchmarkType, "rounds", counting.Requests);
        RecordedFigures.Set(benchmarkType, "decodedWithReuse", counting.Decoded);
        RecordedFigures.Set(benchmarkType, "decodedWithoutReuse", fresh.Decoded);
        RecordedFigures.Set(benchmarkType, "finalPromptTokens", counting.LastPromptTokens);
    }
}
