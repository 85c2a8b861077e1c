namespace ToolLoop;

/// <summary>Options for <see cref="ToolCallParser"/> and <see cref="StreamingToolCallParser"/>.</summary>
/// <remarks>An options instance may be shared by parsers once configured; do not mutate it while a parser uses it.</remarks>
public sealed class ToolCallParserOptions
{
    /// <summary>The default for <see cref="MaxToolCallBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxToolCallBytes = 1024 * 1024;

    /// <summary>The default for <see cref="MaxJsonDepth"/>: 64.</summary>
    public const int DefaultMaxJsonDepth = 64;

    /// <summary>Gets or sets the tools declared in this request. Default: none.</summary>
    public IList<DeclaredTool> Tools { get; set; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether the output starts inside reasoning, because the prompt's generation
    /// prefix already opened it (for example a template that ends with <c>&lt;think&gt;\n</c>). Default: <see langword="false"/>.
    /// </summary>
    public bool StartInReasoning { get; set; }

    /// <summary>
    /// Gets or sets the largest tool call, in characters of model text (markers included), that the parser buffers.
    /// A larger call is reported as <see cref="ToolCallProblemKind.TooLarge"/> problems carrying its raw text in pieces.
    /// Default: <see cref="DefaultMaxToolCallBytes"/>.
    /// </summary>
    public int MaxToolCallBytes { get; set; } = DefaultMaxToolCallBytes;

    /// <summary>
    /// Gets or sets the deepest JSON nesting accepted in a call. A deeper call is reported as
    /// <see cref="ToolCallProblemKind.TooDeep"/>. Default: <see cref="DefaultMaxJsonDepth"/>.
    /// </summary>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>
    /// Gets or sets a function that makes the id of a call whose family does not write one, given the family the call
    /// was written in and the zero-based index of the call in this output. Default: <see langword="null"/>, which gives
    /// <c>call_0</c>, <c>call_1</c>, … (and <c>call00000</c>, … for Mistral, whose templates require nine alphanumerics).
    /// </summary>
    public Func<ToolCallFormat, int, string>? CallIdFactory { get; set; }

    internal static ToolCallParserOptions Default { get; } = new();
}
