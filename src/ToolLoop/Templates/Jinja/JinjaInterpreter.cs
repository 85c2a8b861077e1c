using System.Globalization;
using System.Runtime.CompilerServices;

namespace ToolLoop;

/// <summary>Renders a parsed template. One instance per render; not thread-safe.</summary>
internal sealed class JinjaInterpreter
{
    /// <summary>No single string may exceed this many characters (a guard inside operators such as <c>*</c>).</summary>
    public const int HardStringLimit = 64 * 1024 * 1024;

    private const int MaxRange = 100_000;

    /// <summary>What <see cref="EvalAddChain"/> returns when it wrote the sum itself.</summary>
    private static readonly object s_written = new();

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly JinjaTemplate _template;
    private readonly ChatTemplateOptions _options;
    private readonly JinjaScope _globals;
    private TaintTracker.Output _out;
    private long _iterations;
    private long _written;
    private int _macroDepth;
    private int _loopDepth;

    public JinjaInterpreter(JinjaTemplate template, ChatTemplateOptions options, TaintTracker taint, int outputCapacity = 16)
    {
        _template = template;
        _options = options;
        Taint = taint;
        _out = new TaintTracker.Output(taint, Math.Max(outputCapacity, 16));
        _globals = new JinjaScope(null);
        DefineGlobals();
    }

    public TaintTracker Taint { get; }

    public TaintTracker.Output Render(IEnumerable<KeyValuePair<string, object?>> variables)
    {
        var root = new JinjaScope(_globals);
        foreach (var kv in variables)
        {
            root.Set(kv.Key, kv.Value);
        }

        try
        {
            ExecBlock(_template.Body, root);
        }
        catch (JinjaRuntimeException e)
        {
            var (line, col) = e.Position >= 0 ? _template.Lexer.GetLineColumn(e.Position) : (0, 0);
            throw new TemplateException(e.Message, line, col, e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new TemplateException("The template recursed too deeply.", 0, 0, e);
        }

        return _out;
    }

    // ---- globals ----

    private void DefineGlobals()
    {
        _globals.Set("range", new BuiltinFunction("range", (_, args, _) =>
        {
            if (args.Any(a => a is System.Numerics.BigInteger))
            {
                return BigRange(args);
            }

            long start = 0, stop, step = 1;
            switch (args.Count)
            {
                case 1: stop = Py.ToLong(args[0]); break;
                case 2: start = Py.ToLong(args[0]); stop = Py.ToLong(args[1]); break;
                case 3: start = Py.ToLong(args[0]); stop = Py.ToLong(args[1]); step = Py.ToLong(args[2]); break;
                default: throw Py.TypeError($"range expected at most 3 arguments, got {args.Count}");
            }

            if (step == 0)
            {
                throw new JinjaRuntimeException("ValueError: range() arg 3 must not be zero");
            }

            var items = new List<object?>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                if (items.Count >= MaxRange)
                {
                    throw new JinjaRuntimeException($"OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
                }

                items.Add(i);
            }

            return new PyList(items);
        }));
        _globals.Set("namespace", new BuiltinFunction("namespace", (_, args, kwargs) =>
        {
            var attrs = new PyDict();
            foreach (var a in args)
            {
                if (a is PyDict d)
                {
                    foreach (var kv in d.Items)
                    {
                        attrs.Set(kv.Key, kv.Value);
                    }
                }
                else
                {
                    throw Py.TypeError("namespace() positional argument must be a mapping");
                }
            }

            foreach (var kv in kwargs)
            {
                attrs.Set(kv.Key, kv.Value);
            }

            return new PyNamespace(attrs);
        }));
        _globals.Set("dict", new BuiltinFunction("dict", (_, args, kwargs) =>
        {
            var d = new PyDict();
            if (args.Count > 0 && args[0] is PyDict src)
            {
                foreach (var kv in src.Items)
                {
                    d.Set(kv.Key, kv.Value);
                }
            }

            foreach (var kv in kwargs)
            {
                d.Set(kv.Key, kv.Value);
            }

            return d;
        }));
        _globals.Set("raise_exception", new BuiltinFunction("raise_exception", (_, args, _) =>
            throw new JinjaRuntimeException(args.Count > 0 ? Py.Str(args[0]) : "raise_exception called")));
        _globals.Set("strftime_now", new BuiltinFunction("strftime_now", (_, args, _) =>
        {
            var now = (_options.TimeProvider ?? TimeProvider.System).GetLocalNow();
            return Strftime.Format(now.DateTime, args.Count > 0 ? Py.Str(args[0]) : "");
        }));
        _globals.Set("joiner", new BuiltinFunction("joiner", (_, args, _) =>
        {
            string sep = args.Count > 0 ? Py.Str(args[0]) : ", ";
            bool used = false;
            return new BuiltinFunction("joiner", (_, _, _) =>
            {
                if (!used)
                {
                    used = true;
                    return "";
                }

                return sep;
            });
        }));
        _globals.Set("cycler", new BuiltinFunction("cycler", (_, args, _) =>
        {
            var items = args.ToList();
            int pos = 0;
            var ns = new PyDict();
            ns.Set("next", new BuiltinFunction("next", (_, _, _) =>
            {
                var v = items[pos];
                pos = (pos + 1) % items.Count;
                return v;
            }));
            return new PyNamespace(ns);
        }));
    }

    /// <summary><c>range</c> over ints beyond 64 bits (Python allows them; the sandbox still caps the length).</summary>
    private static PyList BigRange(List<object?> args)
    {
        System.Numerics.BigInteger start = 0, stop, step = 1;
        switch (args.Count)
        {
            case 1: stop = PyNumber.ToBig(args[0]); break;
            case 2: start = PyNumber.ToBig(args[0]); stop = PyNumber.ToBig(args[1]); break;
            case 3: start = PyNumber.ToBig(args[0]); stop = PyNumber.ToBig(args[1]); step = PyNumber.ToBig(args[2]); break;
            default: throw Py.TypeError($"range expected at most 3 arguments, got {args.Count}");
        }

        if (step.IsZero)
        {
            throw new JinjaRuntimeException("ValueError: range() arg 3 must not be zero");
        }

        var items = new List<object?>();
        for (var i = start; step.Sign > 0 ? i < stop : i > stop; i += step)
        {
            if (items.Count >= MaxRange)
            {
                throw new JinjaRuntimeException($"OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
            }

            items.Add(PyNumber.Normalize(i));
        }

        return new PyList(items);
    }

    // ---- output ----

    private void Write(string s)
    {
        if (s.Length == 0)
        {
            return;
        }

        _written += s.Length;
        if (_written > _options.MaxOutputLength)
        {
            throw new JinjaRuntimeException($"The template output exceeded the cap of {_options.MaxOutputLength} characters (ChatTemplateOptions.MaxOutputLength).");
        }

        _out.Append(s);
    }

    private string Capture(List<JinjaNode> body, JinjaScope scope, bool allowLoopControl = false)
    {
        var saved = _out;
        _out = new TaintTracker.Output(Taint);
        try
        {
            var flow = ExecBlock(body, scope);
            if (flow != Flow.Normal && !allowLoopControl)
            {
                throw new JinjaRuntimeException("TemplateSyntaxError: break/continue outside of a loop");
            }

            return _out.ToTrackedString();
        }
        finally
        {
            _out = saved;
        }
    }

    // ---- statements ----

    private Flow ExecBlock(List<JinjaNode> body, JinjaScope scope)
    {
        foreach (var node in body)
        {
            var flow = Exec(node, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow Exec(JinjaNode node, JinjaScope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            return ExecCore(node, scope);
        }
        catch (JinjaRuntimeException e) when (e.Position < 0)
        {
            e.Position = node.Position;
            throw;
        }
    }

    private Flow ExecCore(JinjaNode node, JinjaScope scope)
    {
        switch (node)
        {
            case JinjaNode.Output o:
                Write(o.Text);
                return Flow.Normal;
            case JinjaNode.Print p:
                {
                    if (p.Value is JinjaNode.Expr.Binary { Op: "+", Left: JinjaNode.Expr.Binary { Op: "+" } } chain)
                    {
                        // A chain of string additions is written part by part instead of building each partial sum.
                        var written = EvalAddChain(chain, scope, writeStrings: true);
                        if (!ReferenceEquals(written, s_written))
                        {
                            Write(AsOutput(written));
                        }

                        return Flow.Normal;
                    }

                    if (p.Value is JinjaNode.Expr.Concat cc)
                    {
                        WriteConcat(cc, scope);
                        return Flow.Normal;
                    }

                    var v = Eval(p.Value, scope);
                    Write(v is string s ? s : v is Markup m ? m.Value : Taint.Whole(Py.Str(v), v));
                    return Flow.Normal;
                }

            case JinjaNode.If i:
                foreach (var (test, body) in i.Branches)
                {
                    if (Py.Truthy(Eval(test, scope)))
                    {
                        return ExecBlock(body, scope);
                    }
                }

                return i.ElseBody is null ? Flow.Normal : ExecBlock(i.ElseBody, scope);
            case JinjaNode.For f:
                return ExecFor(f, scope);
            case JinjaNode.Set s:
                Assign(s.Target, Eval(s.Value, scope), scope);
                return Flow.Normal;
            case JinjaNode.SetBlock sb:
                {
                    object? value = Capture(sb.Body, new JinjaScope(scope));
                    foreach (var filter in sb.Filters)
                    {
                        value = ApplyFilter(filter, value, scope);
                    }

                    Assign(sb.Target, value, scope);
                    return Flow.Normal;
                }

            case JinjaNode.Macro m:
                scope.Set(m.Name, new MacroCallable(m, scope, null));
                return Flow.Normal;
            case JinjaNode.CallBlock cb:
                {
                    var caller = new MacroCallable(cb.Caller, scope, null);
                    var call = cb.Call;
                    var target = Eval(call.Target, scope);
                    var (args, kwargs) = EvalArgs(call, scope);
                    if (target is MacroCallable macro)
                    {
                        Write(AsOutput(InvokeMacro(macro, args, kwargs, caller)));
                    }
                    else
                    {
                        kwargs.Add(new KeyValuePair<string, object?>("caller", caller));
                        Write(AsOutput(CallValue(target, args, kwargs)));
                    }

                    return Flow.Normal;
                }

            case JinjaNode.FilterBlock fb:
                {
                    object? value = Capture(fb.Body, new JinjaScope(scope));
                    foreach (var filter in fb.Filters)
                    {
                        value = ApplyFilter(filter, value, scope);
                    }

                    Write(AsOutput(value));
                    return Flow.Normal;
                }

            case JinjaNode.Scope sc:
                {
                    if (sc.Assignments.Count == 0)
                    {
                        return ExecBlock(sc.Body, scope);
                    }

                    var inner = new JinjaScope(scope);
                    foreach (var (target, value) in sc.Assignments)
                    {
                        Assign(target, Eval(value, scope), inner);
                    }

                    return ExecBlock(sc.Body, inner);
                }

            case JinjaNode.Break:
                if (_loopDepth == 0)
                {
                    throw new JinjaRuntimeException("TemplateSyntaxError: 'break' outside of a loop");
                }

                return Flow.Break;
            case JinjaNode.Continue:
                if (_loopDepth == 0)
                {
                    throw new JinjaRuntimeException("TemplateSyntaxError: 'continue' outside of a loop");
                }

                return Flow.Continue;
            default:
                throw new InvalidOperationException("Unknown statement node " + node.GetType().Name);
        }
    }

    private string AsOutput(object? v) => v is string s ? s : v is Markup m ? m.Value : Taint.Whole(Py.Str(v), v);

    private Flow ExecFor(JinjaNode.For f, JinjaScope scope) => ExecLoop(f, scope, Eval(f.Iterable, scope), 0);

    private Flow ExecLoop(JinjaNode.For f, JinjaScope scope, object? source, int depth)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        List<object?> items = Py.Iterate(source, Taint);
        if (f.Filter is not null)
        {
            var filtered = new List<object?>();
            foreach (var item in items)
            {
                var testScope = new JinjaScope(scope);
                Assign(f.Target, item, testScope);
                if (Py.Truthy(Eval(f.Filter, testScope)))
                {
                    filtered.Add(item);
                }
            }

            items = filtered;
        }
        else if (source is PyList)
        {
            items = [.. items]; // the body cannot see later changes of the list
        }

        if (items.Count == 0)
        {
            return f.ElseBody is null ? Flow.Normal : ExecBlock(f.ElseBody, scope);
        }

        var loop = new LoopContext(items, depth)
        {
            Recurse = f.Recursive ? inner => CaptureLoop(f, scope, inner, depth + 1) : null,
        };
        _loopDepth++;
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                if (++_iterations > _options.MaxLoopIterations)
                {
                    throw new JinjaRuntimeException($"The template exceeded the cap of {_options.MaxLoopIterations} loop iterations (ChatTemplateOptions.MaxLoopIterations).");
                }

                loop.Index0 = i;
                var iterScope = new JinjaScope(scope);
                iterScope.Set("loop", loop);
                Assign(f.Target, items[i], iterScope);
                var flow = ExecBlock(f.Body, iterScope);
                if (flow == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            _loopDepth--;
        }

        return Flow.Normal;
    }

    private string CaptureLoop(JinjaNode.For f, JinjaScope scope, object? source, int depth)
    {
        if (depth > _options.MaxRecursionDepth)
        {
            throw new JinjaRuntimeException($"The template exceeded the cap of {_options.MaxRecursionDepth} nested loop recursions (ChatTemplateOptions.MaxRecursionDepth).");
        }

        var saved = _out;
        _out = new TaintTracker.Output(Taint);
        try
        {
            ExecLoop(f, scope, source, depth);
            return _out.ToTrackedString();
        }
        finally
        {
            _out = saved;
        }
    }

    private static void Assign(JinjaNode.Expr target, object? value, JinjaScope scope)
    {
        switch (target)
        {
            case JinjaNode.Expr.Variable n:
                scope.Set(n.Identifier, value);
                break;
            case JinjaNode.Expr.ListLit tuple:
                {
                    var items = Py.Iterate(value);
                    if (items.Count != tuple.Items.Count)
                    {
                        throw new JinjaRuntimeException(items.Count > tuple.Items.Count
                            ? $"ValueError: too many values to unpack (expected {tuple.Items.Count})"
                            : $"ValueError: not enough values to unpack (expected {tuple.Items.Count}, got {items.Count})");
                    }

                    for (int i = 0; i < items.Count; i++)
                    {
                        Assign(tuple.Items[i], items[i], scope);
                    }

                    break;
                }

            case JinjaNode.Expr.GetAttr ga when ga.Target is JinjaNode.Expr.Variable nsName:
                {
                    if (!scope.TryGet(nsName.Identifier, out var ns) || ns is not PyNamespace pyNs)
                    {
                        throw new JinjaRuntimeException("TemplateRuntimeError: cannot assign attribute on non-namespace object");
                    }

                    pyNs.Attributes.Set(ga.Attribute, value);
                    break;
                }

            default:
                throw new JinjaRuntimeException("TemplateSyntaxError: can't assign to this expression");
        }
    }

    public object? InvokeMacro(MacroCallable macro, List<object?> args, List<KeyValuePair<string, object?>> kwargs, MacroCallable? caller = null)
    {
        if (++_macroDepth > _options.MaxRecursionDepth)
        {
            _macroDepth--;
            throw new JinjaRuntimeException($"The template exceeded the cap of {_options.MaxRecursionDepth} nested macro calls (ChatTemplateOptions.MaxRecursionDepth).");
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            var node = macro.Node;
            var scope = new JinjaScope(macro.Closure);
            int n = node.Parameters.Count;
            var assigned = new bool[n];
            for (int i = 0; i < args.Count && i < n; i++)
            {
                scope.Set(node.Parameters[i], args[i]);
                assigned[i] = true;
            }

            var varargs = args.Count > n ? args.Skip(n).ToList() : [];
            var extraKw = new PyDict();
            foreach (var kv in kwargs)
            {
                if (kv.Key == "caller" && caller is null && kv.Value is MacroCallable kwCaller)
                {
                    caller = kwCaller;
                    continue;
                }

                int idx = node.Parameters.IndexOf(kv.Key);
                if (idx >= 0)
                {
                    if (assigned[idx])
                    {
                        throw Py.TypeError($"macro '{node.Name}' got multiple values for argument '{kv.Key}'");
                    }

                    scope.Set(kv.Key, kv.Value);
                    assigned[idx] = true;
                }
                else
                {
                    extraKw.Set(kv.Key, kv.Value);
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (!assigned[i])
                {
                    scope.Set(node.Parameters[i], node.Defaults[i] is { } d ? Eval(d, scope) : new Undefined(hint: $"parameter '{node.Parameters[i]}' was not provided", name: node.Parameters[i]));
                }
            }

            scope.Set("varargs", new PyList(varargs, isTuple: true));
            scope.Set("kwargs", extraKw);
            if (caller is not null)
            {
                scope.Set("caller", caller);
            }

            int savedLoopDepth = _loopDepth;
            _loopDepth = 0;
            try
            {
                return Capture(node.Body, scope);
            }
            finally
            {
                _loopDepth = savedLoopDepth;
            }
        }
        finally
        {
            _macroDepth--;
        }
    }

    // ---- expressions ----

    private object? Eval(JinjaNode.Expr expr, JinjaScope scope)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        try
        {
            return EvalCore(expr, scope);
        }
        catch (JinjaRuntimeException e) when (e.Position < 0)
        {
            e.Position = expr.Position;
            throw;
        }
        catch (OverflowException e)
        {
            // A conversion to a machine integer that Python would refuse too (an index or count beyond 64 bits).
            throw new JinjaRuntimeException("OverflowError: Python int too large to convert to C ssize_t", e) { Position = expr.Position };
        }
    }

    private object? EvalCore(JinjaNode.Expr expr, JinjaScope scope)
    {
        switch (expr)
        {
            case JinjaNode.Expr.Const c:
                return c.Value;
            case JinjaNode.Expr.Variable n:
                return scope.TryGet(n.Identifier, out var v) ? v : new Undefined(name: n.Identifier);
            case JinjaNode.Expr.GetAttr ga:
                return Py.GetAttr(Eval(ga.Target, scope), ga.Attribute);
            case JinjaNode.Expr.GetItem gi:
                {
                    var target = Eval(gi.Target, scope);
                    var key = gi.Index is JinjaNode.Expr.Slice sl
                        ? new SliceValue(EvalSlicePart(sl.Start, scope), EvalSlicePart(sl.Stop, scope), EvalSlicePart(sl.Step, scope))
                        : Eval(gi.Index, scope);
                    return Py.GetItem(target, key, Taint);
                }

            case JinjaNode.Expr.ListLit l:
                {
                    var items = new List<object?>(l.Items.Count);
                    foreach (var item in l.Items)
                    {
                        items.Add(Eval(item, scope));
                    }

                    return new PyList(items, l.IsTuple);
                }

            case JinjaNode.Expr.DictLit d:
                {
                    var dict = new PyDict(d.Items.Count);
                    foreach (var (k, val) in d.Items)
                    {
                        var key = Eval(k, scope);
                        if (key is Undefined u)
                        {
                            throw Py.UndefinedError(u);
                        }

                        dict.Set(key, Eval(val, scope));
                    }

                    return dict;
                }

            case JinjaNode.Expr.Unary u:
                {
                    var operand = Eval(u.Operand, scope);
                    return u.Op switch
                    {
                        "not" => !Py.Truthy(operand),
                        "-" => Py.Negate(operand, negative: true),
                        _ => Py.Negate(operand, negative: false),
                    };
                }

            case JinjaNode.Expr.Binary { Op: "+", Left: JinjaNode.Expr.Binary { Op: "+" } } chain:
                return EvalAddChain(chain, scope, writeStrings: false);
            case JinjaNode.Expr.Binary b:
                {
                    if (b.Op == "and")
                    {
                        var left = Eval(b.Left, scope);
                        return Py.Truthy(left) ? Eval(b.Right, scope) : left;
                    }

                    if (b.Op == "or")
                    {
                        var left = Eval(b.Left, scope);
                        return Py.Truthy(left) ? left : Eval(b.Right, scope);
                    }

                    var l = Eval(b.Left, scope);
                    var r = Eval(b.Right, scope);
                    return Py.Arith(b.Op, l, r, Taint);
                }

            case JinjaNode.Expr.Concat cc:
                {
                    var parts = new List<string>(cc.Items.Count);
                    foreach (var item in cc.Items)
                    {
                        parts.Add(AsOutput(Eval(item, scope)));
                    }

                    string joined = Taint.Join(parts, "");
                    if (joined.Length > HardStringLimit)
                    {
                        throw new JinjaRuntimeException("MemoryError: string too large");
                    }

                    return joined;
                }

            case JinjaNode.Expr.Compare cmp:
                {
                    var left = Eval(cmp.First, scope);
                    foreach (var (op, operandExpr) in cmp.Rest)
                    {
                        var right = Eval(operandExpr, scope);
                        bool ok = op switch
                        {
                            "==" => Py.Eq(left, right),
                            "!=" => !Py.Eq(left, right),
                            "<" => Py.CompareOp(op, left, right),
                            "<=" => Py.CompareOp(op, left, right),
                            ">" => Py.CompareOp(op, left, right),
                            ">=" => Py.CompareOp(op, left, right),
                            "in" => Py.Contains(right, left),
                            "notin" => !Py.Contains(right, left),
                            _ => throw new InvalidOperationException("unknown comparison " + op),
                        };
                        if (!ok)
                        {
                            return false;
                        }

                        left = right;
                    }

                    return true;
                }

            case JinjaNode.Expr.Cond c:
                if (Py.Truthy(Eval(c.Condition, scope)))
                {
                    return Eval(c.Then, scope);
                }

                return c.Otherwise is null ? new Undefined(hint: "the inline if-expression on line evaluated to false and no else section was defined.") : Eval(c.Otherwise, scope);
            case JinjaNode.Expr.Filter f:
                return ApplyFilter(f, f.Value is null ? null : Eval(f.Value, scope), scope);
            case JinjaNode.Expr.IsTest t:
                {
                    var value = Eval(t.Value, scope);
                    var args = new List<object?>(t.Args.Count);
                    foreach (var a in t.Args)
                    {
                        args.Add(Eval(a, scope));
                    }

                    bool result = JinjaTests.Apply(t.Name, value, args);
                    return t.Negated ? !result : result;
                }

            case JinjaNode.Expr.Call call:
                {
                    var target = Eval(call.Target, scope);
                    var (args, kwargs) = EvalArgs(call, scope);
                    return CallValue(target, args, kwargs);
                }

            case JinjaNode.Expr.Slice:
                throw new JinjaRuntimeException("TemplateSyntaxError: a slice is only valid inside []");
            default:
                throw new InvalidOperationException("Unknown expression node " + expr.GetType().Name);
        }
    }

    /// <summary>
    /// <c>x0 + x1 + ... + xn</c> (left-associative), evaluated left to right as Python does, but with the partial sums of
    /// consecutive strings deferred: string + string cannot raise, so the strings are joined once (or, with
    /// <paramref name="writeStrings"/>, written to the output part by part, returning <see cref="s_written"/>) instead of copying every
    /// partial sum. Any other operand goes through <see cref="Py.Arith"/> with the partial sum so far, so numbers,
    /// lists, markup and errors behave exactly as in the nested evaluation, each error at its own operator's position.
    /// </summary>
    private object? EvalAddChain(JinjaNode.Expr.Binary chain, JinjaScope scope, bool writeStrings)
    {
        var spine = new List<JinjaNode.Expr.Binary>();
        JinjaNode.Expr first = chain;
        while (first is JinjaNode.Expr.Binary { Op: "+" } b)
        {
            spine.Add(b);
            first = b.Left;
        }

        object? acc = Eval(first, scope);
        List<string>? parts = null;
        long length = 0;
        for (int i = spine.Count - 1; i >= 0; i--)
        {
            var node = spine[i];
            var right = Eval(node.Right, scope);
            if (right is string sr && (parts is not null || acc is string))
            {
                if (parts is null)
                {
                    var sa = (string)acc!;
                    parts = [sa];
                    length = sa.Length;
                }

                parts.Add(sr);
                length += sr.Length;
                continue;
            }

            if (parts is not null)
            {
                acc = Taint.Join(parts, "");
                parts = null;
            }

            acc = AddAt(node, acc, right);
        }

        if (parts is null)
        {
            return acc;
        }

        if (!writeStrings || length > int.MaxValue)
        {
            return Taint.Join(parts, "");
        }

        foreach (var part in parts)
        {
            Write(part);
        }

        return s_written;
    }

    private object? AddAt(JinjaNode.Expr.Binary node, object? a, object? b)
    {
        try
        {
            return Py.Arith("+", a, b, Taint);
        }
        catch (JinjaRuntimeException e) when (e.Position < 0)
        {
            e.Position = node.Position;
            throw;
        }
        catch (OverflowException e)
        {
            throw new JinjaRuntimeException("OverflowError: Python int too large to convert to C ssize_t", e) { Position = node.Position };
        }
    }

    /// <summary><c>{{ a ~ b ~ c }}</c>: the parts written one by one, with the same size guard as the joined string.</summary>
    private void WriteConcat(JinjaNode.Expr.Concat cc, JinjaScope scope)
    {
        var parts = new List<string>(cc.Items.Count);
        long length = 0;
        foreach (var item in cc.Items)
        {
            string part = AsOutput(Eval(item, scope));
            parts.Add(part);
            length += part.Length;
        }

        if (length > HardStringLimit)
        {
            throw new JinjaRuntimeException("MemoryError: string too large") { Position = cc.Position };
        }

        foreach (var part in parts)
        {
            Write(part);
        }
    }

    private object? EvalSlicePart(JinjaNode.Expr? e, JinjaScope scope)
    {
        if (e is null)
        {
            return null;
        }

        var v = Eval(e, scope);
        return v switch
        {
            null or long or bool or System.Numerics.BigInteger => v,
            Undefined u => throw Py.UndefinedError(u),
            _ => throw Py.TypeError("slice indices must be integers or None or have an __index__ method"),
        };
    }

    private (List<object?> Args, List<KeyValuePair<string, object?>> Kwargs) EvalArgs(JinjaNode.Expr.Call call, JinjaScope scope)
    {
        var args = new List<object?>(call.Args.Count);
        foreach (var a in call.Args)
        {
            args.Add(Eval(a, scope));
        }

        var kwargs = new List<KeyValuePair<string, object?>>(call.Kwargs.Count);
        foreach (var (name, value) in call.Kwargs)
        {
            kwargs.Add(new KeyValuePair<string, object?>(name, Eval(value, scope)));
        }

        if (call.StarArgs is not null)
        {
            args.AddRange(Py.Iterate(Eval(call.StarArgs, scope)));
        }

        if (call.StarKwargs is not null)
        {
            if (Eval(call.StarKwargs, scope) is not PyDict d)
            {
                throw Py.TypeError("argument after ** must be a mapping");
            }

            foreach (var kv in d.Items)
            {
                kwargs.Add(new KeyValuePair<string, object?>(Py.Str(kv.Key), kv.Value));
            }
        }

        return (args, kwargs);
    }

    private object? CallValue(object? target, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        return target switch
        {
            PyCallable c => c.Call(this, args, kwargs),
            LoopContext { Recurse: { } recurse } => args.Count == 1 ? recurse(args[0]) : throw Py.TypeError("loop() takes exactly one argument"),
            Undefined u => throw Py.UndefinedError(u),
            PyNamespace ns when ns.Attributes.Count == 0 => throw Py.TypeError("'Namespace' object is not callable"),
            _ => throw Py.TypeError($"'{Py.TypeName(target)}' object is not callable"),
        };
    }

    private object? ApplyFilter(JinjaNode.Expr.Filter f, object? value, JinjaScope scope)
    {
        var args = new List<object?>(f.Args.Count);
        foreach (var a in f.Args)
        {
            args.Add(Eval(a, scope));
        }

        var kwargs = new List<KeyValuePair<string, object?>>(f.Kwargs.Count);
        foreach (var (name, v) in f.Kwargs)
        {
            kwargs.Add(new KeyValuePair<string, object?>(name, Eval(v, scope)));
        }

        return CallFilter(f.Name, value, args, kwargs);
    }

    public object? CallFilter(string name, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        if (!JinjaFilters.IsKnown(name))
        {
            throw new JinjaRuntimeException($"TemplateRuntimeError: No filter named '{name}' found.");
        }

        return JinjaFilters.Apply(this, name, value, args, kwargs);
    }

    public static bool CallTest(string name, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs)
    {
        if (kwargs.Count > 0)
        {
            throw Py.TypeError($"test '{name}' takes no keyword arguments");
        }

        if (!JinjaTests.IsKnown(name))
        {
            throw new JinjaRuntimeException($"TemplateRuntimeError: No test named '{name}' found.");
        }

        return JinjaTests.Apply(name, value, args);
    }
}
