using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>
/// Feeds model text to ToolLoop's <see cref="StreamingToolCallParser"/> and turns its events into M.E.AI contents
/// with <see cref="ParsedContent.ToContent"/>, the same conversion <c>ToolCallParsingChatClient</c> uses.
/// </summary>
internal sealed class ToolLoopOutputParser : IModelOutputParser
{
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
            options.Tools.Add(new DeclaredTool(tool.Name, tool.JsonSchema.ValueKind == JsonValueKind.Object ? tool.JsonSchema : null));
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
                case ToolCallParseEventKind.Problem:
                    output.Add(ParsedContent.ToContent(e));
                    break;
            }
        }

        _events.Clear();
    }

    /// <summary>True when the generation prompt leaves a reasoning block open (for example it ends with <c>&lt;think&gt;\n</c>).</summary>
    internal static bool OpensReasoning(string generationPrefix) => OpenReasoningCloser(generationPrefix) is not null;

    /// <summary>The marker that closes the reasoning block the generation prompt leaves open, or <see langword="null"/>.</summary>
    internal static string? OpenReasoningCloser(string generationPrefix)
    {
        foreach ((string open, string close) in s_reasoningMarkers)
        {
            int index = generationPrefix.LastIndexOf(open, StringComparison.Ordinal);
            if (index >= 0 && generationPrefix.IndexOf(close, index + open.Length, StringComparison.Ordinal) < 0)
            {
                return close;
            }
        }

        return null;
    }

    private static readonly (string Open, string Close)[] s_reasoningMarkers = [("<think>", "</think>"), ("[THINK]", "[/THINK]"), ("<|channel>thought", "<channel|>")];
}
