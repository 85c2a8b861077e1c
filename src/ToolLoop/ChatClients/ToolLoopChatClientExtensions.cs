using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>Extension methods that put a <see cref="ToolLoopChatClient"/> over an <see cref="IChatClient"/>.</summary>
public static class ToolLoopChatClientExtensions
{
    /// <summary>Wraps <paramref name="client"/> in the agent loop.</summary>
    /// <param name="client">The client that talks to the model; owned by the returned client.</param>
    /// <param name="options">The settings, copied now; <see langword="null"/> for the defaults.</param>
    /// <returns>The new <see cref="ToolLoopChatClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public static ToolLoopChatClient AsToolLoop(this IChatClient client, ToolLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ToolLoopChatClient(client, options);
    }
}
