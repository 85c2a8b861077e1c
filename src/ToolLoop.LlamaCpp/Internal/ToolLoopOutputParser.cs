using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// Adapts ToolLoop's <see cref="StreamingToolCallParser"/> to M.E.AI contents: content → <see cref="TextContent"/>,
/// reasoning → <see cref="TextReasoningContent"/>, calls → <see cref="FunctionCallContent"/> (argument errors in
/// <see cref="FunctionCallContent.Exception"/>), problems → a call carrying the error when the tool name could be
/// read (so the loop can tell the model), otherwise the raw text as <see cref="TextContent"/>. Nothing is dropped.
/// </summary>
internal sealed class ToolLoopOutputParser : IModelOutputParser
{
    // Keys the loop (ToolLoopPropertyNames) reads from a FunctionCallContent.
    internal const string HealedProperty = "toolloop.healed";
    internal const string RawArgumentsProperty = "toolloop.raw_arguments";
    internal const string ProblemProperty = "toolloop.parse_problem";

    private readonly StreamingToolCallParser _parser;
    private readonly List<ToolCallParseEvent> _events = [];

    public ToolLoopOutputParser(ToolCallFormat format, IReadOnlyList<AIFunctionDeclaration> tools, string generationPrefix)
        : this(format, tools, OpensReasoning(generationPrefix))
    {
    }

    public ToolLoopOutputParser(ToolCallFormat format, IReadOnlyList<AIFunctionDeclaration> tools, bool startInReasoning)
    {
        var options = new ToolCallParserOptions { StartInReasoning = startInReasoning };
        foreach (AIFunctionDeclaration tool in tools)
        {
            options.Tools.Add(new DeclaredTool(tool.Name, tool.JsonSchema));
        }

        _parser = new StreamingToolCallParser(format, options);
    }

    public void Append(string text, List<AIContent> output)
    {
        _parser.Append(text.AsSpan(), _events);
        Drain(output);
    }

    public void Complete(List<AIContent> output)
    {
        _parser.Complete(_events);
        Drain(output);
    }

    public void Dispose() => _parser.Dispose();

    private void Drain(List<AIContent> output)
    {
        foreach (ToolCallParseEvent e in _events)
        {
            switch (e.Kind)
            {
                case ToolCallParseEventKind.Content when !string.IsNullOrEmpty(e.Text):
                    output.Add(new TextContent(e.Text));
                    break;
                case ToolCallParseEventKind.Reasoning when !string.IsNullOrEmpty(e.Text):
                    output.Add(new TextReasoningContent(e.Text));
                    break;
                case ToolCallParseEventKind.ToolCall:
                    output.Add(ToContent(e.Call!));
                    break;
                case ToolCallParseEventKind.Problem:
                    output.Add(ToContent(e.Problem!));
                    break;
            }
        }

        _events.Clear();
    }

    /// <summary>True when the generation prompt leaves a reasoning block open (for example it ends with <c>&lt;think&gt;\n</c>).</summary>
    internal static bool OpensReasoning(string generationPrefix)
    {
        foreach ((string open, string close) in s_reasoningMarkers)
        {
            int index = generationPrefix.LastIndexOf(open, StringComparison.Ordinal);
            if (index >= 0 && generationPrefix.IndexOf(close, index + open.Length, StringComparison.Ordinal) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly (string Open, string Close)[] s_reasoningMarkers = [("<think>", "</think>"), ("[THINK]", "[/THINK]"), ("<|channel>thought", "<channel|>")];

    private static FunctionCallContent ToContent(ParsedToolCall call)
    {
        FunctionCallContent content = FunctionCallContent.CreateFromParsedArguments(call.ArgumentsJson, call.Id, call.Name, ParseArguments);
        content.RawRepresentation = call;
        content.AdditionalProperties = new AdditionalPropertiesDictionary { [RawArgumentsProperty] = call.ArgumentsJson };
        if (call.Healed)
        {
            content.AdditionalProperties[HealedProperty] = true;
        }

        return content;
    }

    private static AIContent ToContent(ToolCallParseProblem problem)
    {
        if (problem.ToolName is { Length: > 0 } name)
        {
            return new FunctionCallContent("call_problem_" + Guid.NewGuid().ToString("N")[..12], name)
            {
                Exception = new InvalidOperationException(problem.Message),
                RawRepresentation = problem,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [RawArgumentsProperty] = problem.RawText,
                    [ProblemProperty] = problem.Kind.ToString(),
                },
            };
        }

        return new TextContent(problem.RawText)
        {
            RawRepresentation = problem,
            AdditionalProperties = new AdditionalPropertiesDictionary { [ProblemProperty] = problem.Kind.ToString() },
        };
    }

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The tool-call arguments are not a JSON object.");
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }

        return arguments;
    }
}
