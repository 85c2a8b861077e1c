namespace ToolLoop;

/// <summary>
/// Recursive-descent parser following Jinja2's grammar (jinja2/parser.py): the same operator
/// precedence, tuple rules, test argument forms and statement set (minus template inheritance and
/// imports, which chat templates do not use and which need a loader).
/// </summary>
internal sealed class JinjaParser
{
    private static readonly HashSet<string> s_compareOps = ["==", "!=", "<", "<=", ">", ">="];

    private readonly List<JinjaToken> _tokens;
    private readonly JinjaLexer _lexer;
    private int _i;
    private bool _soft;
    private readonly List<(string Kind, string Name, int Position)> _unknown = [];

    private JinjaParser(List<JinjaToken> tokens, JinjaLexer lexer)
    {
        _tokens = tokens;
        _lexer = lexer;
    }

    public static List<JinjaNode> Parse(List<JinjaToken> tokens, JinjaLexer lexer)
    {
        var parser = new JinjaParser(tokens, lexer);
        var body = parser.Subparse(null, out _);
        if (parser._unknown.Count > 0)
        {
            var (kind, name, pos) = parser._unknown[0];
            throw parser.Error($"No {kind} named '{name}'.", pos);
        }

        return body;
    }

    private JinjaToken Current => _tokens[_i];

    private JinjaToken Peek(int n = 1) => _tokens[Math.Min(_i + n, _tokens.Count - 1)];

    private JinjaToken Next() => _tokens[_i < _tokens.Count - 1 ? _i++ : _i];

    private TemplateException Error(string message, int position)
    {
        var (line, col) = _lexer.GetLineColumn(position);
        return new TemplateException(message, line, col);
    }

    private JinjaToken ExpectOp(string op)
    {
        if (!Current.IsOp(op))
        {
            throw Error($"expected token '{op}', got '{Current}'", Current.Position);
        }

        return Next();
    }

    private JinjaToken ExpectKind(JinjaTokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected {what}, got '{Current}'", Current.Position);
        }

        return Next();
    }

    private bool SkipOp(string op)
    {
        if (Current.IsOp(op))
        {
            _i++;
            return true;
        }

        return false;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            _i++;
            return true;
        }

        return false;
    }

    /// <summary>Parses nodes until a block whose first name is one of <paramref name="endTags"/> (left
    /// unconsumed after the <c>{%</c>), or to the end of the template when <paramref name="endTags"/> is null.</summary>
    private List<JinjaNode> Subparse(string[]? endTags, out string? endTag)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var body = new List<JinjaNode>();
        endTag = null;
        while (true)
        {
            var tok = Current;
            switch (tok.Kind)
            {
                case JinjaTokenKind.Eof:
                    if (endTags is not null)
                    {
                        throw Error($"Unexpected end of template. Jinja was looking for one of: {string.Join(", ", endTags.Select(t => $"'{t}'"))}.", tok.Position);
                    }

                    return body;
                case JinjaTokenKind.Data:
                    Next();
                    body.Add(new JinjaNode.Output(tok.Position, tok.Value));
                    break;
                case JinjaTokenKind.VariableBegin:
                    Next();
                    var expr = ParseTuple(withCondExpr: true, explicitParentheses: false, extraEnd: null);
                    ExpectKind(JinjaTokenKind.VariableEnd, "end of print statement");
                    body.Add(new JinjaNode.Print(tok.Position, expr));
                    break;
                case JinjaTokenKind.BlockBegin:
                    Next();
                    if (endTags is not null && Current.Kind == JinjaTokenKind.Name && Array.IndexOf(endTags, Current.Value) >= 0)
                    {
                        endTag = Current.Value;
                        return body;
                    }

                    body.Add(ParseStatement());
                    break;
                default:
                    throw Error($"unexpected '{tok}'", tok.Position);
            }
        }
    }

    private void ExpectBlockEnd() => ExpectKind(JinjaTokenKind.BlockEnd, "end of statement block");

    private JinjaNode ParseStatement()
    {
        var tok = Current;
        if (tok.Kind != JinjaTokenKind.Name)
        {
            throw Error("tag name expected", tok.Position);
        }

        switch (tok.Value)
        {
            case "if": return ParseIf();
            case "for": return ParseFor();
            case "set": return ParseSet();
            case "macro": return ParseMacro();
            case "call": return ParseCallBlock();
            case "filter": return ParseFilterBlock();
            case "with": return ParseWith();
            case "generation":
                {
                    Next();
                    ExpectBlockEnd();
                    var body = Subparse(["endgeneration"], out _);
                    Next();
                    ExpectBlockEnd();
                    return new JinjaNode.Scope(tok.Position, [], body);
                }

            case "break":
                Next();
                ExpectBlockEnd();
                return new JinjaNode.Break(tok.Position);
            case "continue":
                Next();
                ExpectBlockEnd();
                return new JinjaNode.Continue(tok.Position);
            case "include" or "import" or "from" or "extends" or "block":
                throw Error($"'{tok.Value}' is not supported: chat templates are rendered without a template loader", tok.Position);
            default:
                throw Error($"Encountered unknown tag '{tok.Value}'.", tok.Position);
        }
    }

    private JinjaNode.If ParseIf()
    {
        var start = Next();
        bool wasSoft = _soft;
        _soft = true;
        var branches = new List<(JinjaNode.Expr, List<JinjaNode>)>();
        List<JinjaNode>? elseBody = null;
        while (true)
        {
            var test = ParseTuple(withCondExpr: false, explicitParentheses: false, extraEnd: null);
            ExpectBlockEnd();
            var body = Subparse(["elif", "else", "endif"], out string? end);
            Next();
            branches.Add((test, body));
            if (end == "elif")
            {
                continue;
            }

            if (end == "else")
            {
                ExpectBlockEnd();
                elseBody = Subparse(["endif"], out _);
                Next();
            }

            break;
        }

        ExpectBlockEnd();
        _soft = wasSoft;
        return new JinjaNode.If(start.Position, branches, elseBody);
    }

    private JinjaNode.For ParseFor()
    {
        var start = Next();
        var target = ParseAssignTarget(extraEnd: "in", allowNamespaceAttr: false);
        if (!SkipName("in"))
        {
            throw Error("expected 'in'", Current.Position);
        }

        var iter = ParseTuple(withCondExpr: false, explicitParentheses: false, extraEnd: "recursive");
        JinjaNode.Expr? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpression(withCondExpr: true);
        }

        bool recursive = SkipName("recursive");
        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endfor", "else"], out string? end);
        _soft = wasSoft;
        Next();
        List<JinjaNode>? elseBody = null;
        if (end == "else")
        {
            ExpectBlockEnd();
            elseBody = Subparse(["endfor"], out _);
            Next();
        }

        ExpectBlockEnd();
        return new JinjaNode.For(start.Position, target, iter, filter, body, elseBody, recursive);
    }

    private JinjaNode ParseSet()
    {
        var start = Next();
        var target = ParseAssignTarget(extraEnd: null, allowNamespaceAttr: true);
        if (SkipOp("="))
        {
            var value = ParseTuple(withCondExpr: true, explicitParentheses: false, extraEnd: null);
            ExpectBlockEnd();
            return new JinjaNode.Set(start.Position, target, value);
        }

        var filters = ParseFilterChain(null);
        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endset"], out _);
        _soft = wasSoft;
        Next();
        ExpectBlockEnd();
        return new JinjaNode.SetBlock(start.Position, target, body, filters);
    }

    private List<JinjaNode.Expr.Filter> ParseFilterChain(JinjaNode.Expr? initial)
    {
        var filters = new List<JinjaNode.Expr.Filter>();
        JinjaNode.Expr? node = initial;
        while (SkipOp("|"))
        {
            var f = ParseFilterCall(node);
            filters.Add(f);
            node = f;
        }

        return filters;
    }

    private JinjaNode.Macro ParseMacro()
    {
        var start = Next();
        var name = ExpectKind(JinjaTokenKind.Name, "macro name").Value;
        var (parameters, defaults) = ParseSignature();
        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endmacro"], out _);
        _soft = wasSoft;
        Next();
        ExpectBlockEnd();
        return new JinjaNode.Macro(start.Position, name, parameters, defaults, body);
    }

    private (List<string>, List<JinjaNode.Expr?>) ParseSignature()
    {
        var parameters = new List<string>();
        var defaults = new List<JinjaNode.Expr?>();
        ExpectOp("(");
        while (!Current.IsOp(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOp(",");
                if (Current.IsOp(")"))
                {
                    break;
                }
            }

            var p = ExpectKind(JinjaTokenKind.Name, "parameter name");
            parameters.Add(p.Value);
            if (SkipOp("="))
            {
                defaults.Add(ParseExpression(withCondExpr: true));
            }
            else
            {
                if (defaults.Any(d => d is not null))
                {
                    throw Error("non-default argument follows default argument", p.Position);
                }

                defaults.Add(null);
            }
        }

        ExpectOp(")");
        return (parameters, defaults);
    }

    private JinjaNode.CallBlock ParseCallBlock()
    {
        var start = Next();
        var (parameters, defaults) = Current.IsOp("(") ? ParseSignature() : ([], []);
        var callExpr = ParseExpression(withCondExpr: true);
        if (callExpr is not JinjaNode.Expr.Call call)
        {
            throw Error("expected call", start.Position);
        }

        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endcall"], out _);
        _soft = wasSoft;
        Next();
        ExpectBlockEnd();
        return new JinjaNode.CallBlock(start.Position, call, new JinjaNode.Macro(start.Position, "caller", parameters, defaults, body));
    }

    private JinjaNode.FilterBlock ParseFilterBlock()
    {
        var start = Next();
        var filters = new List<JinjaNode.Expr.Filter>();
        JinjaNode.Expr.Filter? node = ParseFilterCall(null);
        filters.Add(node);
        while (SkipOp("|"))
        {
            node = ParseFilterCall(node);
            filters.Add(node);
        }

        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endfilter"], out _);
        _soft = wasSoft;
        Next();
        ExpectBlockEnd();
        return new JinjaNode.FilterBlock(start.Position, filters, body);
    }

    private JinjaNode.Scope ParseWith()
    {
        var start = Next();
        var assignments = new List<(JinjaNode.Expr, JinjaNode.Expr)>();
        while (Current.Kind != JinjaTokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOp(",");
            }

            var target = ParseAssignTarget(extraEnd: null, allowNamespaceAttr: false);
            ExpectOp("=");
            assignments.Add((target, ParseExpression(withCondExpr: true)));
        }

        ExpectBlockEnd();
        bool wasSoft = _soft;
        _soft = false;
        var body = Subparse(["endwith"], out _);
        _soft = wasSoft;
        Next();
        ExpectBlockEnd();
        return new JinjaNode.Scope(start.Position, assignments, body);
    }

    private JinjaNode.Expr ParseAssignTarget(string? extraEnd, bool allowNamespaceAttr)
    {
        if (allowNamespaceAttr && Current.Kind == JinjaTokenKind.Name && Peek().IsOp("."))
        {
            var ns = Next();
            Next();
            var attr = ExpectKind(JinjaTokenKind.Name, "attribute name");
            return new JinjaNode.Expr.GetAttr(ns.Position, new JinjaNode.Expr.Variable(ns.Position, ns.Value), attr.Value);
        }

        var target = ParseTupleOfNames(extraEnd);
        return target;
    }

    private JinjaNode.Expr ParseTupleOfNames(string? extraEnd)
    {
        int pos = Current.Position;
        var names = new List<JinjaNode.Expr>();
        bool isTuple = false;
        while (true)
        {
            if (names.Count > 0)
            {
                ExpectOp(",");
            }

            if (Current.Kind is JinjaTokenKind.BlockEnd or JinjaTokenKind.VariableEnd || Current.IsOp(")") || Current.IsOp("=") || (extraEnd is not null && Current.IsName(extraEnd)))
            {
                break;
            }

            if (Current.IsOp("("))
            {
                Next();
                names.Add(ParseTupleOfNames(null));
                ExpectOp(")");
            }
            else
            {
                var n = ExpectKind(JinjaTokenKind.Name, "name");
                if (n.Value is "true" or "false" or "none" or "True" or "False" or "None")
                {
                    throw Error($"can't assign to '{n.Value}'", n.Position);
                }

                names.Add(new JinjaNode.Expr.Variable(n.Position, n.Value));
            }

            if (Current.IsOp(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }

        if (names.Count == 0)
        {
            throw Error("expected assignment target", pos);
        }

        return isTuple ? new JinjaNode.Expr.ListLit(pos, names, isTuple: true) : names[0];
    }

    // ---- expressions ----

    private JinjaNode.Expr ParseExpression(bool withCondExpr) => withCondExpr ? ParseCondExpr() : ParseOr();

    private JinjaNode.Expr ParseCondExpr()
    {
        int pos = Current.Position;
        bool wasSoft = _soft;
        var expr1 = ParseOr();
        while (Current.IsName("if"))
        {
            Next();
            _soft = true;
            var expr2 = ParseOr();
            JinjaNode.Expr? expr3 = null;
            if (SkipName("else"))
            {
                expr3 = ParseCondExpr();
            }

            _soft = wasSoft;
            expr1 = new JinjaNode.Expr.Cond(pos, expr2, expr1, expr3);
            pos = Current.Position;
        }

        return expr1;
    }

    /// <summary>Jinja2's left-associative binary levels, loosest first; each level's operands are the next level.</summary>
    private enum BinaryLevel
    {
        Or,
        And,
        Add,
        Multiply,
        Power,
    }

    private JinjaNode.Expr ParseOr() => ParseBinary(BinaryLevel.Or);

    private JinjaNode.Expr ParseBinary(BinaryLevel level)
    {
        var left = ParseBinaryOperand(level);
        while (IsBinaryOperator(level, Current))
        {
            var op = Next();
            left = new JinjaNode.Expr.Binary(op.Position, op.Value, left, ParseBinaryOperand(level));
        }

        return left;
    }

    private JinjaNode.Expr ParseBinaryOperand(BinaryLevel level) => level switch
    {
        BinaryLevel.Or => ParseBinary(BinaryLevel.And),
        BinaryLevel.And => ParseNot(),
        BinaryLevel.Add => ParseConcat(),
        BinaryLevel.Multiply => ParseBinary(BinaryLevel.Power),
        _ => ParseUnary(withFilter: true),
    };

    private static bool IsBinaryOperator(BinaryLevel level, JinjaToken token) => level switch
    {
        BinaryLevel.Or => token.IsName("or"),
        BinaryLevel.And => token.IsName("and"),
        BinaryLevel.Add => token.IsOp("+") || token.IsOp("-"),
        BinaryLevel.Multiply => token.IsOp("*") || token.IsOp("/") || token.IsOp("//") || token.IsOp("%"),
        _ => token.IsOp("**"),
    };

    private JinjaNode.Expr ParseNot()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Current.IsName("not"))
        {
            var op = Next();
            return new JinjaNode.Expr.Unary(op.Position, "not", ParseNot());
        }

        return ParseCompare();
    }

    private JinjaNode.Expr ParseCompare()
    {
        int pos = Current.Position;
        var expr = ParseBinary(BinaryLevel.Add);
        var rest = new List<(string, JinjaNode.Expr)>();
        while (true)
        {
            if (Current.Kind == JinjaTokenKind.Operator && s_compareOps.Contains(Current.Value))
            {
                string op = Next().Value;
                rest.Add((op, ParseBinary(BinaryLevel.Add)));
            }
            else if (Current.IsName("in"))
            {
                Next();
                rest.Add(("in", ParseBinary(BinaryLevel.Add)));
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                Next();
                Next();
                rest.Add(("notin", ParseBinary(BinaryLevel.Add)));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? expr : new JinjaNode.Expr.Compare(pos, expr, rest);
    }

    private JinjaNode.Expr ParseConcat()
    {
        int pos = Current.Position;
        var first = ParseBinary(BinaryLevel.Multiply);
        if (!Current.IsOp("~"))
        {
            return first;
        }

        var items = new List<JinjaNode.Expr> { first };
        while (SkipOp("~"))
        {
            items.Add(ParseBinary(BinaryLevel.Multiply));
        }

        return new JinjaNode.Expr.Concat(pos, items);
    }

    private JinjaNode.Expr ParseUnary(bool withFilter)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        JinjaNode.Expr node;
        if (Current.IsOp("-") || Current.IsOp("+"))
        {
            var op = Next();
            node = new JinjaNode.Expr.Unary(op.Position, op.Value, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        if (withFilter)
        {
            node = ParseFilterExpr(node);
        }

        return node;
    }

    private JinjaNode.Expr ParsePrimary()
    {
        var tok = Current;
        switch (tok.Kind)
        {
            case JinjaTokenKind.Name:
                Next();
                return tok.Value switch
                {
                    "true" or "True" => new JinjaNode.Expr.Const(tok.Position, true),
                    "false" or "False" => new JinjaNode.Expr.Const(tok.Position, false),
                    "none" or "None" => new JinjaNode.Expr.Const(tok.Position, null),
                    _ => new JinjaNode.Expr.Variable(tok.Position, tok.Value),
                };
            case JinjaTokenKind.String:
                {
                    Next();
                    string s = (string)tok.Literal!;
                    while (Current.Kind == JinjaTokenKind.String)
                    {
                        s += (string)Next().Literal!;
                    }

                    return new JinjaNode.Expr.Const(tok.Position, s);
                }

            case JinjaTokenKind.Integer:
            case JinjaTokenKind.Float:
                Next();
                return new JinjaNode.Expr.Const(tok.Position, tok.Literal);
            case JinjaTokenKind.Operator when tok.Value == "(":
                {
                    Next();
                    var inner = ParseTuple(withCondExpr: true, explicitParentheses: true, extraEnd: null);
                    ExpectOp(")");
                    return inner;
                }

            case JinjaTokenKind.Operator when tok.Value == "[":
                {
                    Next();
                    var items = new List<JinjaNode.Expr>();
                    while (!Current.IsOp("]"))
                    {
                        if (items.Count > 0)
                        {
                            ExpectOp(",");
                        }

                        if (Current.IsOp("]"))
                        {
                            break;
                        }

                        items.Add(ParseExpression(withCondExpr: true));
                    }

                    ExpectOp("]");
                    return new JinjaNode.Expr.ListLit(tok.Position, items, isTuple: false);
                }

            case JinjaTokenKind.Operator when tok.Value == "{":
                {
                    Next();
                    var items = new List<(JinjaNode.Expr, JinjaNode.Expr)>();
                    while (!Current.IsOp("}"))
                    {
                        if (items.Count > 0)
                        {
                            ExpectOp(",");
                        }

                        if (Current.IsOp("}"))
                        {
                            break;
                        }

                        var key = ParseExpression(withCondExpr: true);
                        ExpectOp(":");
                        items.Add((key, ParseExpression(withCondExpr: true)));
                    }

                    ExpectOp("}");
                    return new JinjaNode.Expr.DictLit(tok.Position, items);
                }

            default:
                throw Error($"unexpected '{tok}'", tok.Position);
        }
    }

    private JinjaNode.Expr ParseTuple(bool withCondExpr, bool explicitParentheses, string? extraEnd)
    {
        int pos = Current.Position;
        var args = new List<JinjaNode.Expr>();
        bool isTuple = false;
        while (true)
        {
            if (args.Count > 0)
            {
                ExpectOp(",");
            }

            if (Current.Kind is JinjaTokenKind.VariableEnd or JinjaTokenKind.BlockEnd || Current.IsOp(")") || (extraEnd is not null && Current.IsName(extraEnd)))
            {
                break;
            }

            args.Add(ParseExpression(withCondExpr));
            if (Current.IsOp(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }

        if (!isTuple)
        {
            if (args.Count > 0)
            {
                return args[0];
            }

            if (!explicitParentheses)
            {
                throw Error($"Expected an expression, got '{Current}'", Current.Position);
            }
        }

        return new JinjaNode.Expr.ListLit(pos, args, isTuple: true);
    }

    private JinjaNode.Expr ParsePostfix(JinjaNode.Expr node)
    {
        while (true)
        {
            if (Current.IsOp(".") || Current.IsOp("["))
            {
                node = ParseSubscript(node);
            }
            else if (Current.IsOp("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private JinjaNode.Expr ParseFilterExpr(JinjaNode.Expr node)
    {
        while (true)
        {
            if (Current.IsOp("|"))
            {
                Next();
                node = ParseFilterCall(node);
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOp("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private JinjaNode.Expr ParseSubscript(JinjaNode.Expr node)
    {
        var tok = Next();
        if (tok.IsOp("."))
        {
            var attr = Next();
            if (attr.Kind == JinjaTokenKind.Name)
            {
                return new JinjaNode.Expr.GetAttr(tok.Position, node, attr.Value);
            }

            if (attr.Kind != JinjaTokenKind.Integer)
            {
                throw Error("expected name or number", attr.Position);
            }

            return new JinjaNode.Expr.GetItem(tok.Position, node, new JinjaNode.Expr.Const(attr.Position, attr.Literal));
        }

        var args = new List<JinjaNode.Expr>();
        while (!Current.IsOp("]"))
        {
            if (args.Count > 0)
            {
                ExpectOp(",");
            }

            args.Add(ParseSubscribed());
        }

        ExpectOp("]");
        var index = args.Count == 1 ? args[0] : new JinjaNode.Expr.ListLit(tok.Position, args, isTuple: true);
        return new JinjaNode.Expr.GetItem(tok.Position, node, index);
    }

    private JinjaNode.Expr ParseSubscribed()
    {
        int pos = Current.Position;
        var parts = new List<JinjaNode.Expr?>();
        if (Current.IsOp(":"))
        {
            Next();
            parts.Add(null);
        }
        else
        {
            var node = ParseExpression(withCondExpr: true);
            if (!Current.IsOp(":"))
            {
                return node;
            }

            Next();
            parts.Add(node);
        }

        if (Current.IsOp(":"))
        {
            parts.Add(null);
        }
        else if (!Current.IsOp("]") && !Current.IsOp(","))
        {
            parts.Add(ParseExpression(withCondExpr: true));
        }
        else
        {
            parts.Add(null);
        }

        if (Current.IsOp(":"))
        {
            Next();
            parts.Add(!Current.IsOp("]") && !Current.IsOp(",") ? ParseExpression(withCondExpr: true) : null);
        }
        else
        {
            parts.Add(null);
        }

        return new JinjaNode.Expr.Slice(pos, parts[0], parts[1], parts[2]);
    }

    private (List<JinjaNode.Expr>, List<(string, JinjaNode.Expr)>, JinjaNode.Expr?, JinjaNode.Expr?) ParseCallArgs()
    {
        ExpectOp("(");
        var args = new List<JinjaNode.Expr>();
        var kwargs = new List<(string, JinjaNode.Expr)>();
        JinjaNode.Expr? dynArgs = null;
        JinjaNode.Expr? dynKwargs = null;
        bool requireComma = false;
        while (!Current.IsOp(")"))
        {
            if (requireComma)
            {
                ExpectOp(",");
                if (Current.IsOp(")"))
                {
                    break;
                }
            }

            if (Current.IsOp("*"))
            {
                Next();
                dynArgs = ParseExpression(withCondExpr: true);
            }
            else if (Current.IsOp("**"))
            {
                Next();
                dynKwargs = ParseExpression(withCondExpr: true);
            }
            else if (Current.Kind == JinjaTokenKind.Name && Peek().IsOp("="))
            {
                string key = Next().Value;
                Next();
                kwargs.Add((key, ParseExpression(withCondExpr: true)));
            }
            else
            {
                if (dynArgs is not null || dynKwargs is not null || kwargs.Count > 0)
                {
                    throw Error("invalid syntax for function call expression", Current.Position);
                }

                args.Add(ParseExpression(withCondExpr: true));
            }

            requireComma = true;
        }

        ExpectOp(")");
        return (args, kwargs, dynArgs, dynKwargs);
    }

    private JinjaNode.Expr.Call ParseCall(JinjaNode.Expr node)
    {
        int pos = node.Position;
        var (args, kwargs, dynArgs, dynKwargs) = ParseCallArgs();
        return new JinjaNode.Expr.Call(pos, node, args, kwargs, dynArgs, dynKwargs);
    }

    private JinjaNode.Expr.Filter ParseFilterCall(JinjaNode.Expr? node)
    {
        var nameTok = ExpectKind(JinjaTokenKind.Name, "filter name");
        string name = nameTok.Value;
        while (Current.IsOp(".") && Peek().Kind == JinjaTokenKind.Name)
        {
            Next();
            name += "." + Next().Value;
        }

        List<JinjaNode.Expr> args = [];
        List<(string, JinjaNode.Expr)> kwargs = [];
        if (Current.IsOp("("))
        {
            (args, kwargs, _, _) = ParseCallArgs();
        }

        if (!JinjaFilters.IsKnown(name) && !_soft)
        {
            _unknown.Add(("filter", name, nameTok.Position));
        }

        return new JinjaNode.Expr.Filter(nameTok.Position, node, name, args, kwargs);
    }

    private JinjaNode.Expr.IsTest ParseTest(JinjaNode.Expr node)
    {
        var isTok = Next();
        bool negated = SkipName("not");
        var nameTok = ExpectKind(JinjaTokenKind.Name, "test name");
        string name = nameTok.Value;
        while (Current.IsOp(".") && Peek().Kind == JinjaTokenKind.Name)
        {
            Next();
            name += "." + Next().Value;
        }

        List<JinjaNode.Expr> args = [];
        List<(string, JinjaNode.Expr)> kwargs = [];
        if (Current.IsOp("("))
        {
            (args, kwargs, _, _) = ParseCallArgs();
        }
        else if ((Current.Kind is JinjaTokenKind.Name or JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
                  || Current.IsOp("(") || Current.IsOp("[") || Current.IsOp("{"))
                 && !(Current.IsName("else") || Current.IsName("or") || Current.IsName("and")))
        {
            if (Current.IsName("is"))
            {
                throw Error("You cannot chain multiple tests with is", Current.Position);
            }

            var arg = ParsePostfix(ParsePrimary());
            args = [arg];
        }

        if (!JinjaTests.IsKnown(name) && !_soft)
        {
            _unknown.Add(("test", name, nameTok.Position));
        }

        return new JinjaNode.Expr.IsTest(isTok.Position, node, name, args, kwargs, negated);
    }
}
