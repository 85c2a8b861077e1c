namespace ToolLoop;

/// <summary>Jinja2's built-in tests (jinja2/tests.py).</summary>
internal static class JinjaTests
{
    private static readonly HashSet<string> s_known =
    [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "==", "escaped", "even", "false", "filter", "float",
        "ge", ">=", "gt", ">", "greaterthan", "in", "integer", "iterable", "le", "<=", "lower", "lt", "<", "lessthan", "mapping",
        "ne", "!=", "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined", "upper",
    ];

    public static bool IsKnown(string name) => s_known.Contains(name);

    public static bool Apply(string name, object? value, List<object?> args)
    {
        object? Arg(int i) => i < args.Count ? args[i] : throw Py.TypeError($"test '{name}' missing an argument");
        switch (name)
        {
            case "defined": return value is not Undefined;
            case "undefined": return value is Undefined;
            case "none": return value is null;
            case "boolean": return value is bool;
            case "false": return value is false;
            case "true": return value is true;
            case "integer": return value is long or System.Numerics.BigInteger;
            case "float": return value is double;
            case "number": return Py.IsNumber(value);
            case "string": return value is string or Markup;
            case "mapping": return value is PyDict;
            case "iterable": return value is string or Markup or PyList or PyDict or Undefined;
            case "sequence": return value is string or Markup or PyList or PyDict or Undefined;
            case "callable": return value is PyCallable;
            case "escaped": return value is Markup;
            case "lower": return PyUnicode.StrIsLower(Py.Str(value));
            case "upper": return PyUnicode.StrIsUpper(Py.Str(value));
            case "even": return Py.Eq(Remainder(value, 2L), 0L);
            case "odd": return Py.Eq(Remainder(value, 2L), 1L);
            case "divisibleby": return Py.Eq(Remainder(value, Arg(0)), 0L);
            case "eq" or "equalto" or "==": return Py.Eq(value, Arg(0));
            case "ne" or "!=": return !Py.Eq(value, Arg(0));
            case "lt" or "<" or "lessthan": return Py.CompareOp("<", value, Arg(0));
            case "le" or "<=": return Py.CompareOp("<=", value, Arg(0));
            case "gt" or ">" or "greaterthan": return Py.CompareOp(">", value, Arg(0));
            case "ge" or ">=": return Py.CompareOp(">=", value, Arg(0));
            case "in": return Py.Contains(Arg(0), value);
            case "sameas":
                {
                    // Python identity: None, True and False are singletons and small ints are cached.
                    var other = Arg(0);
                    return ReferenceEquals(value, other) || (value is null && other is null) || (value is bool b1 && other is bool b2 && b1 == b2)
                        || (value is long l1 && other is long l2 && l1 == l2 && l1 is >= -5 and <= 256);
                }
            case "filter": return value is string f && JinjaFilters.IsKnown(f);
            case "test": return value is string t && IsKnown(t);
            default:
                throw new JinjaRuntimeException($"TemplateRuntimeError: No test named '{name}' found.");
        }
    }

    /// <summary><c>value % divisor</c> as Jinja's odd, even and divisibleby tests compute it (a string value formats).</summary>
    private static object? Remainder(object? value, object? divisor) => Py.Arith("%", value, divisor, new TaintTracker());
}
