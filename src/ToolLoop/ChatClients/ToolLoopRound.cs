using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>What <see cref="ToolLoopOptions.RoundCompleted"/> sees after a round of tool calls.</summary>
/// <remarks>Created by the loop for one callback; not thread-safe.</remarks>
public sealed class ToolLoopRound
{
    internal ToolLoopRound(int iteration, IReadOnlyList<FunctionCallContent> calls, IReadOnlyList<FunctionResultContent> results, IReadOnlyList<ChatMessage> messages)
    {
        Iteration = iteration;
        Calls = calls;
        Results = results;
        Messages = messages;
    }

    /// <summary>The number of rounds so far that executed at least one tool, this one included.</summary>
    public int Iteration { get; }

    /// <summary>The calls of this round, in the order the model made them (with the ids the loop assigned).</summary>
    public IReadOnlyList<FunctionCallContent> Calls { get; }

    /// <summary>The results of this round, in call order.</summary>
    public IReadOnlyList<FunctionResultContent> Results { get; }

    /// <summary>A snapshot of the history as it will be sent to the model next (before any reducer runs).</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Set to <see langword="true"/> to end the loop after this round (<see cref="ToolLoopStopReasons.StoppedByHook"/>). Default: <see langword="false"/>.</summary>
    public bool StopRequested { get; set; }
}
