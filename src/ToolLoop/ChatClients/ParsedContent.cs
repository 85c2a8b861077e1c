using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>Turns parser events into Microsoft.Extensions.AI contents; shared by the parsing client and the local-runtime adapters.</summary>
public static class ParsedContent
{
    /// <summary>
    /// Converts one event: content to <see cref="TextContent"/>, reasoning to <see cref="TextReasoningContent"/>, a call
    /// to <see cref="FunctionCallContent"/> (built with <see cref="FunctionCallContent.CreateFromParsedArguments{TEncoding}"/>,
    /// so argument errors land in <see cref="FunctionCallContent.Exception"/>; a healed call carries
    /// <see cref="ToolLoopPropertyNames.Healed"/>). A problem whose tool name is known
    /// becomes a <see cref="FunctionCallContent"/> whose <see cref="FunctionCallContent.Exception"/> explains it (so a
    /// tool loop can tell the model, with <see cref="ToolLoopPropertyNames.RawArguments"/> when the arguments were
    /// readable text but not an object, so the loop can heal them); otherwise an <see cref="ErrorContent"/> whose <see cref="ErrorContent.Details"/>
    /// holds the raw text. Nothing is dropped.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <returns>The content.</returns>
    public static AIContent ToContent(ToolCallParseEvent e) => ToContent(e, static () => NewCallId(ToolCallFormat.Auto));

    /// <summary>Converts one event as <see cref="ToContent(ToolCallParseEvent)"/> does; a broken call that names a tool gets its id from <paramref name="problemCallId"/>.</summary>
    internal static AIContent ToContent(ToolCallParseEvent e, Func<string> problemCallId)
    {
        switch (e.Kind)
        {
            case ToolCallParseEventKind.Content:
                return new TextContent(e.Text);
            case ToolCallParseEventKind.Reasoning:
                return new TextReasoningContent(e.Text);
            case ToolCallParseEventKind.ToolCall:
                var call = e.Call!;
                var fcc = FunctionCallContent.CreateFromParsedArguments(call.ArgumentsJson, call.Id, call.Name, ParseArguments);
                if (call.Healed)
                {
                    (fcc.AdditionalProperties ??= [])[ToolLoopPropertyNames.Healed] = true;
                }

                return fcc;
            default:
                var problem = e.Problem!;
                if (problem.ToolName is { Length: > 0 } name)
                {
                    var failed = new FunctionCallContent(problemCallId(), name)
                    {
                        Exception = new InvalidDataException(problem.Kind == ToolCallProblemKind.Truncated ? "The call was cut off: " + problem.Message : problem.Message),
                        AdditionalProperties = new() { [ToolLoopPropertyNames.RawText] = problem.RawText, [ToolLoopPropertyNames.ParseProblem] = problem.Kind.ToString() },
                    };
                    if (problem.RawArguments is not null)
                    {
                        failed.AdditionalProperties[ToolLoopPropertyNames.RawArguments] = problem.RawArguments;
                    }

                    return failed;
                }

                return new ErrorContent(problem.Message)
                {
                    ErrorCode = "toolloop." + problem.Kind.ToString().ToLowerInvariant(),
                    Details = problem.RawText,
                    AdditionalProperties = new() { [ToolLoopPropertyNames.RawText] = problem.RawText, [ToolLoopPropertyNames.ParseProblem] = problem.Kind.ToString() },
                };
        }
    }

    /// <summary>Makes a call id unique in practice: <c>call_</c> + 24 hex digits, or nine alphanumerics for Mistral.</summary>
    /// <param name="format">The family the call was written in.</param>
    /// <returns>The id.</returns>
    public static string NewCallId(ToolCallFormat format)
    {
        const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return format == ToolCallFormat.Mistral
            ? RandomNumberGenerator.GetString(Alphanumerics, 9)
            : "call_" + RandomNumberGenerator.GetHexString(24, lowercase: true);
    }

    private static Dictionary<string, object?>? ParseArguments(string json)
        => (Dictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));
}
