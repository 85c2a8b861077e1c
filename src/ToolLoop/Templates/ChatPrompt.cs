namespace ToolLoop;

/// <summary>A rendered prompt: its text, its framing and data segments, and the generation prompt.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class ChatPrompt
{
    internal ChatPrompt(IReadOnlyList<TemplateSegment> segments, string generationPrompt, ToolPromptSource toolSource, bool usedDefaultTemplate)
        : this(segments, string.Concat(segments.Select(s => s.Text)), generationPrompt, toolSource, usedDefaultTemplate)
    {
    }

    /// <summary>A prompt whose text is already known: <paramref name="text"/> must be the concatenation of <paramref name="segments"/>.</summary>
    internal ChatPrompt(IReadOnlyList<TemplateSegment> segments, string text, string generationPrompt, ToolPromptSource toolSource, bool usedDefaultTemplate)
    {
        Segments = segments;
        Text = text;
        GenerationPrompt = generationPrompt;
        ToolSource = toolSource;
        UsedDefaultTemplate = usedDefaultTemplate;
    }

    /// <summary>The prompt text to tokenize.</summary>
    public string Text { get; }

    /// <summary>
    /// The prompt split into template framing and untrusted data (message text, reasoning, tool calls and
    /// results, tool declarations). Tokenize framing with special-token parsing and data without it, so
    /// data can never produce a turn delimiter or a tool-call marker. Concatenated, the segments equal
    /// <see cref="Text"/>.
    /// </summary>
    public IReadOnlyList<TemplateSegment> Segments { get; }

    /// <summary>
    /// The text the template appends for <c>add_generation_prompt</c> (the suffix by which the prompt
    /// rendered with it differs from the prompt rendered without it, as llama.cpp computes it), e.g.
    /// <c>&lt;|im_start|&gt;assistant\n&lt;think&gt;\n</c>. A parser seeded with it knows whether the
    /// output starts inside reasoning. Empty when <see cref="ChatTemplateOptions.AddGenerationPrompt"/> is
    /// false or when the two renderings do not share a prefix.
    /// </summary>
    public string GenerationPrompt { get; }

    /// <summary>Who rendered the tool declarations.</summary>
    public ToolPromptSource ToolSource { get; }

    /// <summary>True when no chat template was given and the family's default framing was used.</summary>
    public bool UsedDefaultTemplate { get; }
}
