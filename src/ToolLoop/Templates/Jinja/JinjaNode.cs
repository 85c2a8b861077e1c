namespace ToolLoop;

/// <summary>The syntax tree of a parsed template. Statements and expressions are nested types so the
/// whole tree lives in one place; <see cref="Position"/> is an offset into the normalised source.</summary>
internal abstract class JinjaNode(int position)
{
    public int Position { get; } = position;

    // ---- statements ----

    internal sealed class Output(int position, string text) : JinjaNode(position)
    {
        public string Text { get; } = text;
    }

    internal sealed class Print(int position, Expr value) : JinjaNode(position)
    {
        public Expr Value { get; } = value;
    }

    internal sealed class If(int position, List<(Expr Test, List<JinjaNode> Body)> branches, List<JinjaNode>? elseBody) : JinjaNode(position)
    {
        public List<(Expr Test, List<JinjaNode> Body)> Branches { get; } = branches;

        public List<JinjaNode>? ElseBody { get; } = elseBody;
    }

    internal sealed class For(int position, Expr target, Expr iterable, Expr? filter, List<JinjaNode> body, List<JinjaNode>? elseBody, bool recursive) : JinjaNode(position)
    {
        public Expr Target { get; } = target;

        public Expr Iterable { get; } = iterable;

        public Expr? Filter { get; } = filter;

        public List<JinjaNode> Body { get; } = body;

        public List<JinjaNode>? ElseBody { get; } = elseBody;

        public bool Recursive { get; } = recursive;
    }

    internal sealed class Set(int position, Expr target, Expr value) : JinjaNode(position)
    {
        public Expr Target { get; } = target;

        public Expr Value { get; } = value;
    }

    internal sealed class SetBlock(int position, Expr target, List<JinjaNode> body, List<Expr.Filter> filters) : JinjaNode(position)
    {
        public Expr Target { get; } = target;

        public List<JinjaNode> Body { get; } = body;

        /// <summary>Filters applied to the captured text, innermost first; each has a null <c>Value</c>.</summary>
        public List<Expr.Filter> Filters { get; } = filters;
    }

    internal sealed class Macro(int position, string name, List<string> parameters, List<Expr?> defaults, List<JinjaNode> body) : JinjaNode(position)
    {
        public string Name { get; } = name;

        public List<string> Parameters { get; } = parameters;

        /// <summary>Default value per parameter (null when the parameter has none).</summary>
        public List<Expr?> Defaults { get; } = defaults;

        public List<JinjaNode> Body { get; } = body;
    }

    internal sealed class CallBlock(int position, Expr.Call call, Macro caller) : JinjaNode(position)
    {
        public Expr.Call Call { get; } = call;

        public Macro Caller { get; } = caller;
    }

    internal sealed class FilterBlock(int position, List<Expr.Filter> filters, List<JinjaNode> body) : JinjaNode(position)
    {
        public List<Expr.Filter> Filters { get; } = filters;

        public List<JinjaNode> Body { get; } = body;
    }

    internal sealed class Scope(int position, List<(Expr Target, Expr Value)> assignments, List<JinjaNode> body) : JinjaNode(position)
    {
        public List<(Expr Target, Expr Value)> Assignments { get; } = assignments;

        public List<JinjaNode> Body { get; } = body;
    }

    internal sealed class Break(int position) : JinjaNode(position);

    internal sealed class Continue(int position) : JinjaNode(position);

    // ---- expressions ----

    internal abstract class Expr(int position) : JinjaNode(position)
    {
        internal sealed class Const(int position, object? value) : Expr(position)
        {
            public object? Value { get; } = value;
        }

        internal sealed class Variable(int position, string identifier) : Expr(position)
        {
            public string Identifier { get; } = identifier;
        }

        internal sealed class ListLit(int position, List<Expr> items, bool isTuple) : Expr(position)
        {
            public List<Expr> Items { get; } = items;

            public bool IsTuple { get; } = isTuple;
        }

        internal sealed class DictLit(int position, List<(Expr Key, Expr Value)> items) : Expr(position)
        {
            public List<(Expr Key, Expr Value)> Items { get; } = items;
        }

        internal sealed class GetAttr(int position, Expr target, string attribute) : Expr(position)
        {
            public Expr Target { get; } = target;

            public string Attribute { get; } = attribute;
        }

        internal sealed class GetItem(int position, Expr target, Expr index) : Expr(position)
        {
            public Expr Target { get; } = target;

            public Expr Index { get; } = index;
        }

        internal sealed class Slice(int position, Expr? start, Expr? stop, Expr? step) : Expr(position)
        {
            public Expr? Start { get; } = start;

            public Expr? Stop { get; } = stop;

            public Expr? Step { get; } = step;
        }

        internal sealed class Call(int position, Expr target, List<Expr> args, List<(string Name, Expr Value)> kwargs, Expr? starArgs, Expr? starKwargs) : Expr(position)
        {
            public Expr Target { get; } = target;

            public List<Expr> Args { get; } = args;

            public List<(string Name, Expr Value)> Kwargs { get; } = kwargs;

            public Expr? StarArgs { get; } = starArgs;

            public Expr? StarKwargs { get; } = starKwargs;
        }

        internal sealed class Filter(int position, Expr? value, string name, List<Expr> args, List<(string Name, Expr Value)> kwargs) : Expr(position)
        {
            /// <summary>The filtered value; null inside a filter block or a set block.</summary>
            public Expr? Value { get; } = value;

            public string Name { get; } = name;

            public List<Expr> Args { get; } = args;

            public List<(string Name, Expr Value)> Kwargs { get; } = kwargs;
        }

        internal sealed class IsTest(int position, Expr value, string name, List<Expr> args, List<(string Name, Expr Value)> kwargs, bool negated) : Expr(position)
        {
            public Expr Value { get; } = value;

            public string Name { get; } = name;

            public List<Expr> Args { get; } = args;

            public List<(string Name, Expr Value)> Kwargs { get; } = kwargs;

            public bool Negated { get; } = negated;
        }

        internal sealed class Unary(int position, string op, Expr operand) : Expr(position)
        {
            /// <summary>"-", "+" or "not".</summary>
            public string Op { get; } = op;

            public Expr Operand { get; } = operand;
        }

        internal sealed class Binary(int position, string op, Expr left, Expr right) : Expr(position)
        {
            /// <summary>"+", "-", "*", "/", "//", "%", "**", "and", "or".</summary>
            public string Op { get; } = op;

            public Expr Left { get; } = left;

            public Expr Right { get; } = right;
        }

        internal sealed class Concat(int position, List<Expr> items) : Expr(position)
        {
            public List<Expr> Items { get; } = items;
        }

        internal sealed class Compare(int position, Expr first, List<(string Op, Expr Operand)> rest) : Expr(position)
        {
            public Expr First { get; } = first;

            /// <summary>Operators: "==", "!=", "&lt;", "&lt;=", "&gt;", "&gt;=", "in", "notin".</summary>
            public List<(string Op, Expr Operand)> Rest { get; } = rest;
        }

        internal sealed class Cond(int position, Expr test, Expr then, Expr? otherwise) : Expr(position)
        {
            public Expr Condition { get; } = test;

            public Expr Then { get; } = then;

            public Expr? Otherwise { get; } = otherwise;
        }
    }
}
