namespace ToolLoop;

/// <summary>Who put the tool declarations into a rendered prompt.</summary>
public enum ToolPromptSource
{
    /// <summary>The request declared no tools.</summary>
    None = 0,

    /// <summary>The model's chat template rendered the tools itself.</summary>
    Template,

    /// <summary>The template ignored the tools (or there was no template), so the family's tool block was
    /// inserted where that family expects it.</summary>
    FamilyFallback,
}
