namespace ToolLoop.Parsing;

/// <summary>
/// Everything the library knows about one family outside its grammar: its <see cref="ToolCallFormat"/> value, its names,
/// how its markers are registered, and how to recognise it from a chat template or a model name. One instance per
/// family, listed in <see cref="FormatFamilies.All"/>, which <see cref="FormatTable"/>, <see cref="ToolCallFormats"/>
/// and the tests read.
/// </summary>
internal sealed class FormatFamily
{
    private readonly string[] _aliases = [];

    /// <summary>Gets the format value.</summary>
    public required ToolCallFormat Format { get; init; }

    /// <summary>Gets the canonical lower-case name (also the name of the family's <c>fixtures/</c> folder).</summary>
    public required string Name { get; init; }

    /// <summary>Gets other names accepted by <see cref="ToolCallFormats.TryParse"/> (lower-case, <c>-</c> for <c>_</c>).</summary>
    public string[] Aliases
    {
        get => _aliases;
        init
        {
            _aliases = value;
            AliasList = Array.AsReadOnly(value);
        }
    }

    /// <summary>Gets <see cref="Aliases"/> as a read-only list, for <see cref="ToolCallFormats.GetAliases"/>.</summary>
    public IReadOnlyList<string> AliasList { get; private init; } = Array.Empty<string>();

    /// <summary>Gets the method that registers the family's markers and regions.</summary>
    public required Action<FormatTable.Builder> Register { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="ToolCallFormat.Auto"/> reads this family's markers. Only families
    /// whose markers cannot be ordinary prose belong in <c>Auto</c> (so not FireFunction's <c>functools[</c> or
    /// Functionary's <c>&gt;&gt;&gt;</c>). Default: <see langword="true"/>.
    /// </summary>
    public bool InAuto { get; init; } = true;

    /// <summary>
    /// Gets the family's end-of-turn tokens: end of turn, message or sequence, or the next turn's opener. When one leaks into
    /// the text (the runtime did not stop at it, or printed special tokens), it is markup: it is removed from content and
    /// reasoning, and the text on both sides of it is kept (nothing after it is dropped). Removed under the family's own
    /// format, and under <see cref="ToolCallFormat.Auto"/> when <see cref="InAuto"/>; registered after the family's
    /// grammar, so a token the grammar uses (gpt-oss's <c>&lt;|end|&gt;</c> closing reasoning) keeps that meaning. Tokens
    /// many vocabularies share are in <see cref="FormatFamilies.SharedTurnEnds"/>.
    /// </summary>
    public string[] TurnEnds { get; init; } = [];

    /// <summary>
    /// Gets the chat-template evidence: the template is this family's when it contains every string of any one group
    /// (ordinal). Families are tried in list order, so a family whose markers include another's comes first.
    /// </summary>
    public string[][] TemplateMarkers { get; init; } = [];

    /// <summary>
    /// Gets the model-name evidence: lower-case substrings of a model name or path (<c>_</c> read as <c>-</c>).
    /// Families are tried in list order.
    /// </summary>
    public string[] ModelNames { get; init; } = [];

    /// <summary>Whether <paramref name="chatTemplate"/> holds every marker of one of <see cref="TemplateMarkers"/>' groups.</summary>
    public bool MatchesTemplate(string chatTemplate)
    {
        foreach (var group in TemplateMarkers)
        {
            if (Array.TrueForAll(group, m => chatTemplate.Contains(m, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the normalised (lower-case, <c>-</c> for <c>_</c>) <paramref name="modelName"/> names this family.</summary>
    public bool MatchesModelName(string modelName)
        => Array.Exists(ModelNames, n => modelName.Contains(n, StringComparison.Ordinal));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
