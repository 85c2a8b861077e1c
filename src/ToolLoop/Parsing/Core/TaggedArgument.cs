namespace ToolLoop.Parsing;

/// <summary>One argument of a tagged call: its key, where its raw value text lies in the call's text, and how the markup types it.</summary>
/// <param name="Key">The argument name.</param>
/// <param name="ValueStart">Where the raw value text (no escaping) starts in the text the call was read from.</param>
/// <param name="ValueEnd">Where it ends (exclusive).</param>
/// <param name="Hint">The markup's type hint.</param>
/// <remarks>The value is kept as a position rather than a string so that it is copied once, into the arguments JSON.</remarks>
internal readonly record struct TaggedArgument(string Key, int ValueStart, int ValueEnd, ValueHint Hint = ValueHint.Schema)
{
    /// <summary>Gets the value's text in <paramref name="source"/>, the text the positions refer to.</summary>
    public ReadOnlySpan<char> Value(ReadOnlySpan<char> source) => source[ValueStart..Math.Max(ValueStart, ValueEnd)];
}
