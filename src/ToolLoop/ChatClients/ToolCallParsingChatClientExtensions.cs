using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>Extension methods that add <see cref="ToolCallParsingChatClient"/> to a chat client.</summary>
public static class ToolCallParsingChatClientExtensions
{
    /// <summary>Wraps <paramref name="client"/> so tool calls it writes as text come back as <see cref="FunctionCallContent"/>.</summary>
    /// <param name="client">The client whose text output to parse.</param>
    /// <param name="options">Options; <see langword="null"/> for defaults (format <see cref="ToolCallFormat.Auto"/>).</param>
    /// <returns>The parsing client.</returns>
    public static ToolCallParsingChatClient AsToolCallParsing(this IChatClient client, ToolCallParsingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ToolCallParsingChatClient(client, options);
    }

    /// <summary>Wraps <paramref name="client"/> to read the given format.</summary>
    /// <param name="client">The client whose text output to parse.</param>
    /// <param name="format">The markup to read.</param>
    /// <returns>The parsing client.</returns>
    public static ToolCallParsingChatClient AsToolCallParsing(this IChatClient client, ToolCallFormat format)
        => client.AsToolCallParsing(new ToolCallParsingOptions { Format = format });
}
