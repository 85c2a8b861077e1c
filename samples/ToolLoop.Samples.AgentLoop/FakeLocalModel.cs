using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ToolLoop.Samples.AgentLoop;

/// <summary>
/// Stands in for a small local model: it streams prose in small pieces and asks for tools. A real local runtime
/// writes Hermes markup (<c>&lt;tool_call&gt;{"name": …}&lt;/tool_call&gt;</c>) as text and needs
/// <c>AsToolCallParsing()</c> under the loop; this stand-in already returns <see cref="FunctionCallContent"/>.
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
            foreach (var piece in new[] { "Let me check ", "the weather ", "and tidy up ", "the old file." })
            {
                await Task.Delay(40, cancellationToken);
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { MessageId = messageId };
            }

            // Local runtimes restart their ids at call_0 on every request; the loop renumbers them.
            yield return new ChatResponseUpdate(ChatRole.Assistant, [
                new FunctionCallContent("call_0", "get_weather", new Dictionary<string, object?> { ["city"] = "Bergen" }),
                new FunctionCallContent("call_1", "delete_file", new Dictionary<string, object?> { ["path"] = "/tmp/forecast-cache.json" }),
            ]) { MessageId = messageId, FinishReason = ChatFinishReason.ToolCalls };
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
