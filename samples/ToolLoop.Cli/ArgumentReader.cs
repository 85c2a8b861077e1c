using System.Globalization;

namespace ToolLoop.Cli;

/// <summary>
/// Reads one command's arguments: options as <c>--name value</c> or <c>--name=value</c>, flags, and positional values.
/// Every mistake is a <see cref="UsageException"/> (exit code 2).
/// </summary>
internal sealed class ArgumentReader
{
    private readonly string[] _args;
    private int _index = -1;

    public ArgumentReader(string[] args) => _args = SplitInlineValues(args);

    /// <summary>The argument last returned by <see cref="MoveNext"/>.</summary>
    public string Current => _args[_index];

    /// <summary>Whether <see cref="Current"/> looks like an option (<c>-x</c>, <c>--name</c>; a lone <c>-</c> is a value: standard input).</summary>
    public bool CurrentIsOption => Current.StartsWith('-') && Current != "-";

    public bool MoveNext() => ++_index < _args.Length;

    /// <summary>The value after the current option.</summary>
    public string Value()
    {
        if (_index + 1 >= _args.Length)
        {
            throw new UsageException($"option '{Current}' needs a value");
        }

        var option = Current;
        var value = _args[++_index];
        if (value.StartsWith("--", StringComparison.Ordinal) && value.Length > 2)
        {
            throw new UsageException($"option '{option}' needs a value (got '{value}')");
        }

        return value;
    }

    /// <summary>The value after the current option as an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int IntValue(int min, int max = int.MaxValue)
    {
        var option = Current;
        var text = Value();
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException(max == int.MaxValue
                ? $"option '{option}' needs a whole number of at least {min} (got '{text}')"
                : $"option '{option}' needs a whole number from {min} to {max} (got '{text}')");
        }

        return value;
    }

    /// <summary>The value after the current option as a number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public double DoubleValue(double min, double max)
    {
        var option = Current;
        var text = Value();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"option '{option}' needs a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (got '{text}')");
        }

        return value;
    }

    /// <summary>The value after the current option as a tool-call format name.</summary>
    public ToolCallFormat FormatValue()
    {
        var name = Value();
        return ToolCallFormats.TryParse(name, out var format)
            ? format
            : throw new UsageException($"unknown format '{name}' (see 'toolloop formats')");
    }

    public UsageException Unknown() => CurrentIsOption
        ? new UsageException($"unknown option '{Current}'")
        : new UsageException($"unexpected argument '{Current}'");

    /// <summary>Turns <c>--option=value</c> into <c>--option value</c>, so both spellings work.</summary>
    private static string[] SplitInlineValues(string[] args)
    {
        var result = new List<string>(args.Length);
        foreach (var arg in args)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                result.Add(arg[..eq]);
                result.Add(arg[(eq + 1)..]);
            }
            else
            {
                result.Add(arg);
            }
        }

        return [.. result];
    }
}
