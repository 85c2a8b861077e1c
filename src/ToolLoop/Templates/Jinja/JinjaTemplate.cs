namespace ToolLoop;

/// <summary>A parsed template: the syntax tree and the lexer (for line and column of errors). Immutable; safe to share.</summary>
internal sealed class JinjaTemplate
{
    private JinjaTemplate(List<JinjaNode> body, JinjaLexer lexer)
    {
        Body = body;
        Lexer = lexer;
    }

    public List<JinjaNode> Body { get; }

    public JinjaLexer Lexer { get; }

    public static JinjaTemplate Parse(string source)
    {
        var (tokens, lexer) = JinjaLexer.Tokenize(JinjaLexer.Normalize(source));
        try
        {
            return new JinjaTemplate(JinjaParser.Parse(tokens, lexer), lexer);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new TemplateException("The template is nested too deeply to parse.", e);
        }
    }
}
