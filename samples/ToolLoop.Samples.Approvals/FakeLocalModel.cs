using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ToolLoop.Samples.Approvals;

/// <summary>
/// Stands in for a small local model: like a real local runtime it streams raw text in small pieces, tool calls
/// included, written in Hermes markup (<c>&lt;tool_call&gt;{"name": …}&lt;/tool_call&gt;</c>). <c>AsToolCallParsing()</c>
/// turns that markup into <see cref="FunctionCallContent"/> under the loop.
/// </summary>
internal sealed class FakeLocalModel : IChatClient
{
    private int _callNumber;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var results = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        var messageId = "local_" + _callNumber++;
        var toolsOffered = options?.Tools is { Count: > 0 };

        if (results.Count == 0 && toolsOffered)
        {
            // Local runtimes restart their ids at call_0 on every request (Hermes has none at all); the loop keeps them unique.
            const string Output = """
                Let me check the weather and tidy up the old file.
                <tool_call>
                {"name": "get_weather", "arguments": {"city": "Bergen"}}
                </tool_call>
                <tool_call>
                {"name": "delete_file", "arguments": {"path": "/tmp/forecast-cache.json"}}
                </tool_call>
                """;
            foreach (var piece in Output.Chunk(7))
            {
                await Task.Delay(5, cancellationToken);
                yield return new ChatResponseUpdate(ChatRole.Assistant, new string(piece)) { MessageId = messageId };
            }

            yield return new ChatResponseUpdate { MessageId = messageId, FinishReason = ChatFinishReason.Stop };
            yield break;
        }

        var summary = string.Join(" ", results.Select(r => r.Result?.ToString()));
        foreach (var piece in $"Done. {summary}".Split(' '))
        {
            await Task.Delay(20, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece + " ") { MessageId = messageId };
        }

        yield return new ChatResponseUpdate { MessageId = messageId, FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
