using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// The context of one tool call made by a <see cref="ToolLoopChatClient"/>. A tool reads it through
/// <see cref="Current"/> (it flows with the async call) or from <c>AIFunctionArguments.Context</c> under the key
/// <c>typeof(ToolInvocationContext)</c>. A <see cref="ToolLoopOptions.FunctionInvoker"/> receives it too.
/// </summary>
/// <remarks>One instance per call; setting <see cref="Terminate"/> from the tool's own async flow is safe.</remarks>
public sealed class ToolInvocationContext
{
    private static readonly AsyncLocal<ToolInvocationContext?> s_current = new();

    internal ToolInvocationContext(AIFunction function, FunctionCallContent call, AIFunctionArguments arguments, int iteration, int callIndex, bool isStreaming)
    {
        IsStreaming = isStreaming;
        Function = function;
        Call = call;
        Arguments = arguments;
        Iteration = iteration;
        CallIndex = callIndex;
    }

    /// <summary>The context of the tool call running in the current async flow, or <see langword="null"/> outside a call.</summary>
    public static ToolInvocationContext? Current
    {
        get => s_current.Value;
        internal set => s_current.Value = value;
    }

    /// <summary>The function being invoked.</summary>
    public AIFunction Function { get; }

    /// <summary>The call as it appears in the history.</summary>
    public FunctionCallContent Call { get; }

    /// <summary>The arguments passed to the function.</summary>
    public AIFunctionArguments Arguments { get; }

    /// <summary>The 1-based round number of this call.</summary>
    public int Iteration { get; }

    /// <summary>The 0-based position of this call in its round.</summary>
    public int CallIndex { get; }

    /// <summary>Whether the request is a streaming one (<c>GetStreamingResponseAsync</c>).</summary>
    public bool IsStreaming { get; }

    /// <summary>Set to <see langword="true"/> to end the loop once the calls of this round are done (<see cref="ToolLoopStopReasons.Terminated"/>). Default: <see langword="false"/>.</summary>
    public bool Terminate { get; set; }
}
