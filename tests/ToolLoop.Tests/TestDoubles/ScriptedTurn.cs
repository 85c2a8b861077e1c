using Microsoft.Extensions.AI;

namespace ToolLoop.Tests;

/// <summary>One model turn a <see cref="ScriptedChatClient"/> replays: contents in order, finish reason, usage, and optional gates.</summary>
public sealed class ScriptedTurn
{
    public ScriptedTurn(params AIContent[] contents) => Contents = contents;

    public IReadOnlyList<AIContent> Contents { get; }

    /// <summary>Default: <see cref="ChatFinishReason.ToolCalls"/> when the turn has calls, else <see cref="ChatFinishReason.Stop"/>.</summary>
    public ChatFinishReason? FinishReason { get; init; }

    public UsageDetails? Usage { get; init; }

    /// <summary>A service-side conversation id the response carries (on every update when streaming).</summary>
    public string? ConversationId { get; init; }

    /// <summary>Streaming: text contents are split into chunks of this many characters (0 = whole).</summary>
    public int TextChunkSize { get; init; }

    /// <summary>Awaited before update <c>i</c> is yielded (streaming) or before the response is returned (non-streaming, i = 0).</summary>
    public Func<int, CancellationToken, Task>? BeforeUpdate { get; init; }

    public static ScriptedTurn Text(string text) => new(new TextContent(text));

    public static ScriptedTurn Calls(params FunctionCallContent[] calls) => new(calls);

    public static FunctionCallContent Call(string id, string name, object? arguments = null)
        => new(id, name, arguments is null ? new Dictionary<string, object?>() : ToDictionary(arguments));

    /// <summary>A call whose arguments are <paramref name="raw"/> as a provider or the parsing client delivers them: parsed if they can be, else in <c>Exception</c>, with the raw text kept for healing.</summary>
    public static FunctionCallContent Unparsed(string id, string name, string raw)
    {
        var call = FunctionCallContent.CreateFromParsedArguments(raw, id, name, s => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(s, AIJsonUtilities.DefaultOptions));
        call.AdditionalProperties = new() { [ToolLoopPropertyNames.RawArguments] = raw };
        return call;
    }

    public ChatFinishReason EffectiveFinishReason => FinishReason ?? (Contents.Any(c => c is FunctionCallContent) ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);

    private static Dictionary<string, object?> ToDictionary(object arguments)
    {
        if (arguments is IDictionary<string, object?> d)
        {
            return new Dictionary<string, object?>(d);
        }

        var element = System.Text.Json.JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(arguments.GetType()));
        return element.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
    }
}
