namespace ToolLoop.LocalModels;

/// <summary>
/// A rendered prompt: its framing/data segments (see <see cref="TemplateSegment"/>) and the text the generation
/// prompt pre-fills into the answer (for example <c>&lt;|im_start|&gt;assistant\n&lt;think&gt;\n</c>).
/// </summary>
internal sealed record RenderedPrompt(IReadOnlyList<TemplateSegment> Segments, string GenerationPrefix)
{
    public string Text => string.Concat(Segments.Select(s => s.Text));
}
