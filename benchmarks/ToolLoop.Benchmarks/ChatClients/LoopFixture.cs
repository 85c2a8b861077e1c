using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>The request both loops get: one user question, one tool, five rounds of one call, then an answer.</summary>
internal sealed class LoopFixture
{
    public const int Rounds = 5;
    private int _invocations;

    public LoopFixture()
    {
        Tool = AIFunctionFactory.Create(
            (string city) =>
            {
                Interlocked.Increment(ref _invocations);
                return $"Sunny in {city}, 21 C.";
            },
            "get_weather",
            "Gets the current weather for a city.");
        Options = new ChatOptions { Tools = [Tool] };
    }

    public AIFunction Tool { get; }

    public ChatOptions Options { get; }

    public IReadOnlyList<ChatMessage> Messages { get; } = [new(ChatRole.User, "What is the weather in five cities?")];

    /// <summary>Runs <paramref name="run"/> once and throws unless it ran the tool five times and returned the answer.</summary>
    public void Verify(string name, Func<Task<string>> run)
    {
        int before = Volatile.Read(ref _invocations);
        string text = run().GetAwaiter().GetResult();
        int ran = Volatile.Read(ref _invocations) - before;
        if (ran != Rounds || text != InstantChatClient.Answer)
        {
            throw new InvalidOperationException($"{name}: ran the tool {ran} times (expected {Rounds}) and answered '{text}'");
        }
    }

    /// <summary>Drains a stream and returns its text.</summary>
    public static async Task<string> TextOf(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var all = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            all.Add(update);
        }

        return all.ToChatResponse().Text;
    }
}
