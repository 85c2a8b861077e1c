namespace ToolLoop;

/// <summary>One token of a Jinja template: template data, a tag delimiter, or a token inside a tag.</summary>
internal readonly struct JinjaToken(JinjaTokenKind kind, string value, int position, object? literal = null)
{
    public JinjaTokenKind Kind { get; } = kind;

    /// <summary>Data text, a name, an operator, or the source text of a literal.</summary>
    public string Value { get; } = value;

    /// <summary>Offset in the normalised source.</summary>
    public int Position { get; } = position;

    /// <summary>The value of a string, integer or float literal.</summary>
    public object? Literal { get; } = literal;

    public bool Is(JinjaTokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string name) => Kind == JinjaTokenKind.Name && Value == name;

    public bool IsOp(string op) => Kind == JinjaTokenKind.Operator && Value == op;

    public override string ToString() => Kind switch
    {
        JinjaTokenKind.Eof => "end of template",
        JinjaTokenKind.BlockEnd => "end of statement block",
        JinjaTokenKind.VariableEnd => "end of print statement",
        _ => Value,
    };
}
