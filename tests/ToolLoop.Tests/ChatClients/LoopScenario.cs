using Microsoft.Extensions.AI;

namespace ToolLoop.Tests.ChatClients;

/// <summary>A fresh script, tools, loop and input for one run; built twice per test, once per mode.</summary>
public sealed class LoopScenario
{
    public LoopScenario(ScriptedChatClient script, IList<ChatMessage>? messages = null, ChatOptions? chatOptions = null, ToolLoopOptions? options = null, ToolCallFormat? textFormat = null)
    {
        Script = script;
        Messages = messages ?? [new ChatMessage(ChatRole.User, "Hello")];
        ChatOptions = chatOptions;

        // With a text format the script plays a local model writing markup: the parsing client sits under the loop.
        // Its ids come from a per-scenario counter so that both modes produce the same history.
        var next = 0;
        IChatClient inner = textFormat is { } format
            ? script.AsToolCallParsing(new ToolCallParsingOptions { Format = format, CallIdFactory = (_, _) => "t" + next++ })
            : script;
        Loop = inner.AsToolLoop(options);
    }

    public ScriptedChatClient Script { get; }

    public IList<ChatMessage> Messages { get; }

    public ChatOptions? ChatOptions { get; }

    public ToolLoopChatClient Loop { get; }

    public Dictionary<string, object> Items { get; } = [];

    /// <summary>The token the request runs with; default: the test's token.</summary>
    public CancellationToken CancellationToken { get; init; }

    public T Item<T>(string key) => (T)Items[key];

    public static ChatOptions WithTools(params AITool[] tools) => new() { Tools = tools.ToList() };
}
