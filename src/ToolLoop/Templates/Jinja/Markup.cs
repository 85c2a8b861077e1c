namespace ToolLoop;

/// <summary>The result of the <c>safe</c> filter (markupsafe's <c>Markup</c>). It prints as its text, but
/// concatenating it with <c>+</c> HTML-escapes the other operand, as in Python.</summary>
internal sealed class Markup(string value)
{
    public string Value { get; } = value;

    public override string ToString() => Value;

    /// <summary>markupsafe's escape of a format argument: strings are escaped, Markup is kept, other values
    /// are left for the formatter (numbers print the same escaped or not).</summary>
    public static object? EscapeArgument(object? value) => value switch
    {
        string s => Escape(s),
        Markup m => m.Value,
        PyList { IsTuple: true } t => new PyList([.. t.Items.Select(EscapeArgument)], isTuple: true),
        _ => value,
    };

    public static string Escape(string s)
    {
        if (s.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return s;
        }

        return s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal)
            .Replace("'", "&#39;", StringComparison.Ordinal);
    }
}
