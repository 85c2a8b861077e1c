using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>The loop's own words to the model (features 6, 14, 15, 22, 30), kept together so they read as one voice.</summary>
internal static class ToolLoopNotices
{
    /// <summary>The longest piece of an unreadable call quoted back to the model.</summary>
    private const int QuoteLength = 400;

    public const string NoMoreTools = " Tools are no longer available: answer the user now with what you have.";

    public const string Reprompt = "You said you would do something but did not call a tool. If you need a tool, call it now in the required format; otherwise give your final answer.";

    /// <summary>F30: tool-call markup without a readable tool name; the model is told what it wrote and that nothing ran.</summary>
    public static string Unreadable(List<ErrorContent> problems)
    {
        var parts = new List<string>(problems.Count);
        foreach (var problem in problems)
        {
            var raw = problem.Details ?? string.Empty;
            var quote = raw.Length <= QuoteLength ? raw : raw[..QuoteLength] + "…";
            parts.Add($"{problem.Message} It was: {quote}");
        }

        return (problems.Count == 1 ? "Your last response contains a tool call that could not be read, so nothing was run for it. " : $"Your last response contains {problems.Count} tool calls that could not be read, so nothing was run for them. ")
            + string.Join(" ", parts)
            + " If you meant to call a tool, write the call again in the required format, with the tool's name and its arguments as a JSON object.";
    }

    /// <summary>F15: a duplicate gets the earlier result with a note.</summary>
    public static string Duplicate(string earlierCallId, object? earlierResult)
        => $"[Duplicate call: the same call as {earlierCallId}, so it was not run again. The earlier result follows.]\n{ToolLoopJson.ResultText(earlierResult)}";

    /// <summary>F22: a rejected call, with the user's reason.</summary>
    public static string Rejected(string? reason)
        => "The user rejected this call; it was not run." + (string.IsNullOrWhiteSpace(reason) ? string.Empty : " Reason: " + reason);

    /// <summary>F22: the model is told the user edited the arguments it had written.</summary>
    public static FunctionResultContent Edited(FunctionResultContent result, string arguments)
        => new(result.CallId, $"[The user edited the arguments before approving; the call ran with {arguments}.]\n{ToolLoopJson.ResultText(result.Result)}")
        {
            Exception = result.Exception,
        };
}
