using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ToolLoop.Tests;

/// <summary>
/// A test double that replays scripted model turns (text, reasoning, structured calls) in streaming and
/// non-streaming modes, and records every request it was sent.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<ScriptedRequest, ScriptedTurn>> _turns = new();
    private int _turnNumber;

    public ScriptedChatClient(params ScriptedTurn[] turns)
    {
        foreach (var turn in turns)
        {
            Then(turn);
        }
    }

    public List<ScriptedRequest> Requests { get; } = [];

    public ScriptedChatClient Then(ScriptedTurn turn) => Then(_ => turn);

    public ScriptedChatClient Then(Func<ScriptedRequest, ScriptedTurn> turn)
    {
        _turns.Enqueue(turn);
        return this;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var turn = Next(messages, options, streaming: false);
        if (turn.BeforeUpdate is { } gate)
        {
            await gate(0, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var id = "msg_" + _turnNumber;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, turn.Contents.ToList()) { MessageId = id })
        {
            FinishReason = turn.EffectiveFinishReason,
            Usage = turn.Usage,
            ModelId = "scripted",
            ConversationId = turn.ConversationId,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var turn = Next(messages, options, streaming: true);
        var id = "msg_" + _turnNumber;
        var index = 0;
        foreach (var content in turn.Contents)
        {
            IEnumerable<AIContent> pieces = content is TextContent text && turn.TextChunkSize > 0
                ? text.Text.Chunk(turn.TextChunkSize).Select(c => (AIContent)new TextContent(new string(c)))
                : [content];
            foreach (var piece in pieces)
            {
                if (turn.BeforeUpdate is { } gate)
                {
                    await gate(index, cancellationToken);
                }

                cancellationToken.ThrowIfCancellationRequested();
                index++;
                yield return new ChatResponseUpdate(ChatRole.Assistant, [piece]) { MessageId = id, ModelId = "scripted", ConversationId = turn.ConversationId };
            }
        }

        if (turn.BeforeUpdate is { } last)
        {
            await last(index, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var final = new ChatResponseUpdate { MessageId = id, FinishReason = turn.EffectiveFinishReason, ConversationId = turn.ConversationId };
        if (turn.Usage is { } usage)
        {
            final.Contents.Add(new UsageContent(usage));
        }

        yield return final;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private ScriptedTurn Next(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        var snapshot = messages.Select(m =>
        {
            var copy = m.Clone();
            copy.Contents = m.Contents.ToList();
            return copy;
        }).ToList();
        var request = new ScriptedRequest(snapshot, options?.Clone(), streaming);
        Requests.Add(request);
        _turnNumber++;
        if (_turns.Count == 0)
        {
            throw new InvalidOperationException($"The script has no turn left for request {_turnNumber}.");
        }

        return _turns.Dequeue()(request);
    }
}
