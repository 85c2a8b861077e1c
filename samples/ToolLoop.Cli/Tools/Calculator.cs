using System.Globalization;

namespace ToolLoop.Cli.Tools;

/// <summary>
/// Arithmetic on a small expression language: numbers, <c>+ - * / % ^</c>, parentheses, unary minus, and the functions
/// <c>sqrt abs round floor ceil ln log10 sin cos tan</c> with the constants <c>pi</c> and <c>e</c>. It is a parser, not
/// an evaluator of code: nothing in the input is ever executed, looked up or compiled.
/// </summary>
internal sealed class Calculator
{
    /// <summary>The longest expression accepted.</summary>
    public const int MaxLength = 500;

    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _depth;

    private Calculator(string text) => _text = text;

    /// <summary>Evaluates <paramref name="expression"/>; a malformed expression is an <see cref="ArgumentException"/> saying where.</summary>
    public static double Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxLength)
        {
            throw new ArgumentException($"the expression is longer than {MaxLength} characters", nameof(expression));
        }

        var calculator = new Calculator(expression);
        var value = calculator.ParseSum();
        calculator.SkipSpaces();
        if (calculator._pos < expression.Length)
        {
            throw calculator.Error($"unexpected '{expression[calculator._pos]}'");
        }

        return double.IsFinite(value) ? value : throw new ArgumentException("the result is not a finite number (division by zero or overflow)", nameof(expression));
    }

    /// <summary>Formats a result the way a person writes it: integers without a decimal point, otherwise up to 15 significant digits.</summary>
    public static string Format(double value)
        => Math.Abs(value) < 1e15 && value == Math.Round(value)
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("G15", CultureInfo.InvariantCulture);

    private double ParseSum()
    {
        var value = ParseProduct();
        while (true)
        {
            if (Accept('+'))
            {
                value += ParseProduct();
            }
            else if (Accept('-'))
            {
                value -= ParseProduct();
            }
            else
            {
                return value;
            }
        }
    }

    private double ParseProduct()
    {
        var value = ParseUnary();
        while (true)
        {
            if (Accept('*') || Accept('×'))
            {
                value *= ParseUnary();
            }
            else if (Accept('/') || Accept('÷'))
            {
                value /= ParseUnary();
            }
            else if (Accept('%'))
            {
                value %= ParseUnary();
            }
            else
            {
                return value;
            }
        }
    }

    private double ParseUnary()
    {
        if (Accept('-'))
        {
            return -Nested(ParseUnary);
        }

        return Accept('+') ? Nested(ParseUnary) : ParsePower();
    }

    private double ParsePower()
    {
        var value = ParseAtom();
        // Right-associative, and binds tighter than unary minus on its left: -2^2 is -4, as in mathematics.
        return Accept('^') ? Math.Pow(value, Nested(ParseUnary)) : value;
    }

    private double ParseAtom()
    {
        SkipSpaces();
        if (_pos >= _text.Length)
        {
            throw Error("the expression ends early");
        }

        var c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            var value = Nested(ParseSum);
            return Accept(')') ? value : throw Error("missing ')'");
        }

        if (char.IsAsciiDigit(c) || c == '.')
        {
            return ParseNumber();
        }

        if (char.IsAsciiLetter(c))
        {
            var start = _pos;
            while (_pos < _text.Length && char.IsAsciiLetterOrDigit(_text[_pos]))
            {
                _pos++;
            }

            var name = _text[start.._pos].ToLowerInvariant();
            switch (name)
            {
                case "pi": return Math.PI;
                case "e": return Math.E;
            }

            Func<double, double> function = name switch
            {
                "sqrt" => Math.Sqrt,
                "abs" => Math.Abs,
                "round" => Math.Round,
                "floor" => Math.Floor,
                "ceil" => Math.Ceiling,
                "ln" => Math.Log,
                "log10" => Math.Log10,
                "sin" => Math.Sin,
                "cos" => Math.Cos,
                "tan" => Math.Tan,
                _ => throw new ArgumentException($"unknown name '{_text[start.._pos]}' at position {start + 1} (known: sqrt, abs, round, floor, ceil, ln, log10, sin, cos, tan, pi, e)"),
            };
            if (!Accept('('))
            {
                throw Error($"'{name}' needs an argument in parentheses");
            }

            var argument = Nested(ParseSum);
            return Accept(')') ? function(argument) : throw Error("missing ')'");
        }

        throw Error($"unexpected '{c}'");
    }

    private double ParseNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '.' or '_'))
        {
            _pos++;
        }

        if (_pos < _text.Length && _text[_pos] is 'e' or 'E' && _pos + 1 < _text.Length && (char.IsAsciiDigit(_text[_pos + 1]) || (_text[_pos + 1] is '+' or '-' && _pos + 2 < _text.Length && char.IsAsciiDigit(_text[_pos + 2]))))
        {
            _pos += 2;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
        }

        var token = _text[start.._pos].Replace("_", string.Empty, StringComparison.Ordinal);
        return double.TryParse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"'{_text[start.._pos]}' at position {start + 1} is not a number");
    }

    private double Nested(Func<double> parse)
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"the expression nests deeper than {MaxDepth} levels");
        }

        var value = parse();
        _depth--;
        return value;
    }

    private bool Accept(char c)
    {
        SkipSpaces();
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private ArgumentException Error(string message) => new($"{message} at position {_pos + 1}");
}
