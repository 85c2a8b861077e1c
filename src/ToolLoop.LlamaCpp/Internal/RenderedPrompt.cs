namespace ToolLoop.LlamaCpp.Internal;

/// <summary>A rendered prompt and the text the generation prompt pre-fills into the answer (for example <c>&lt;think&gt;\n</c>).</summary>
internal sealed record RenderedPrompt(IReadOnlyList<PromptSegment> Segments, string GenerationPrefix)
{
    public string Text => string.Concat(Segments.Select(s => s.Text));
}
