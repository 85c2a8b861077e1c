namespace ToolLoop.Parsing;

/// <summary>How one array family writes its list of JSON calls (see <see cref="JsonCallListRegion"/>).</summary>
internal sealed class JsonCallList
{
    /// <summary>Gets the family.</summary>
    public required ToolCallFormat Format { get; init; }

    /// <summary>Gets the marker that ends the list, or <see langword="null"/> when the list's closing bracket ends the call.</summary>
    public string? Closer { get; init; }

    /// <summary>Gets a value indicating whether a single call object without brackets is accepted (Nemotron).</summary>
    public bool AllowObject { get; init; }

    /// <summary>
    /// Gets a value indicating whether the opener is ordinary text (FireFunction's <c>functools[</c>), so the list must start
    /// with <c>{"name"</c> and its text stays content when the output ends before that is known.
    /// </summary>
    public bool NameKeyFirst { get; init; }

    /// <summary>Gets a value indicating whether the opener is ordinary text whose region is a guess until it is confirmed.</summary>
    public bool Speculative => NameKeyFirst;

    /// <summary>Gets the keys of the family's call objects. Default: <c>{"name", "arguments"|"parameters"}</c>.</summary>
    public JsonCallShape Shape { get; init; } = JsonCallShape.Default;

    /// <summary>Delivers the calls of the list's JSON text.</summary>
    /// <param name="context">Where results go.</param>
    /// <param name="json">The list (or object) text, from its first bracket.</param>
    /// <param name="scanner">The scanner that read it.</param>
    /// <param name="cut">Whether the output ended inside the JSON.</param>
    /// <param name="unclosed">Whether the family's closer is missing.</param>
    /// <param name="raw">The region's text, opener included.</param>
    public void Emit(ParseContext context, ReadOnlySpan<char> json, JsonScanner scanner, bool cut, bool unclosed, ReadOnlySpan<char> raw)
    {
        // A missing closer or closing bracket was supplied: the calls read are marked healed.
        unclosed |= !scanner.Done;
        if (json[0] == '{')
        {
            JsonCalls.EmitCallObject(context, json, cut, closed: !cut, unclosed, raw, Format, Shape);
            return;
        }

        if (json[1..].TrimStart().StartsWith("]"))
        {
            // An empty list: markup that calls nothing, reported rather than dropped.
            context.EmitProblem(ToolCallProblemKind.Malformed, "The tool-call list is empty.", raw);
            return;
        }

        JsonCalls.EmitCallArray(context, json, cut, raw, Format, Shape, unclosed);
    }
}
