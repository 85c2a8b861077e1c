namespace ToolLoop.Parsing;

/// <summary>One argument of a tagged call: its key, its raw value text, and how the markup types it.</summary>
/// <param name="Key">The argument name.</param>
/// <param name="Value">The raw value text (no escaping).</param>
/// <param name="Hint">The markup's type hint.</param>
internal readonly record struct TaggedArgument(string Key, string Value, ValueHint Hint = ValueHint.Schema);
