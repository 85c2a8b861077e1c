using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.ChatClients;

/// <summary>
/// A model that answers instantly: while the conversation holds fewer than <c>rounds</c> tool results it asks for
/// <c>get_weather</c> once (a new city each round, so no duplicate guard fires), then it answers in text. Calls come
/// as <see cref="FunctionCallContent"/> or, with <c>hermesText</c>, as Hermes <c>&lt;tool_call&gt;</c> text for a
/// parsing client to read. Streaming sends text in 4-character updates (about a token each) and a final update with
/// the finish reason. Stateless, so one instance serves every iteration.
/// </summary>
internal sealed class InstantChatClient(int rounds, bool hermesText) : IChatClient
{
    public const string Answer = "It is sunny in all five cities, between 18 and 24 C.";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (contents, finish) = Turn(messages);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, contents)) { FinishReason = finish, ModelId = "instant" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (contents, finish) = Turn(messages);
        string messageId = "m" + contents.Count;
        foreach (var content in contents)
        {
            if (content is TextContent { Text: var text })
            {
                for (int i = 0; i < text.Length; i += 4)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, text.Substring(i, Math.Min(4, text.Length - i))) { MessageId = messageId };
                }
            }
            else
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [content]) { MessageId = messageId };
            }
        }

        yield return new ChatResponseUpdate { MessageId = messageId, FinishReason = finish };
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private (List<AIContent> Contents, ChatFinishReason Finish) Turn(IEnumerable<ChatMessage> messages)
    {
        int results = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionResultContent)
                {
                    results++;
                }
            }
        }

        if (results >= rounds)
        {
            return ([new TextContent(Answer)], ChatFinishReason.Stop);
        }

        string city = "City " + results;
        if (hermesText)
        {
            return ([new TextContent($"<tool_call>\n{{\"name\": \"get_weather\", \"arguments\": {{\"city\": \"{city}\"}}}}\n</tool_call>")], ChatFinishReason.Stop);
        }

        return ([new FunctionCallContent("call_" + results, "get_weather", new Dictionary<string, object?> { ["city"] = city })], ChatFinishReason.ToolCalls);
    }
}
