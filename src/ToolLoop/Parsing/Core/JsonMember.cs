namespace ToolLoop.Parsing;

/// <summary>
/// Where one member of a top-level JSON object lies, as <see cref="JsonSyntax.Check(ReadOnlySpan{char}, int, bool, Span{JsonMember}, out int)"/>
/// found it: the key token (quotes included) and the value, so that reading the object's members does not scan it again.
/// </summary>
/// <param name="KeyStart">The key's opening quote.</param>
/// <param name="KeyEnd">Just past the key's closing quote.</param>
/// <param name="ValueStart">The value's first character.</param>
/// <param name="ValueEnd">Just past the value.</param>
internal readonly record struct JsonMember(int KeyStart, int KeyEnd, int ValueStart, int ValueEnd);
