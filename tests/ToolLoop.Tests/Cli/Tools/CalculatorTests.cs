using ToolLoop.Cli.Tools;

namespace ToolLoop.Tests.Cli.Tools;

/// <summary>The calculator tool: arithmetic as mathematics writes it, and nothing else.</summary>
public sealed class CalculatorTests
{
    [Theory]
    [InlineData("17 * 23", "391")]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("2 ^ 3 ^ 2", "512")]
    [InlineData("-2 ^ 2", "-4")]
    [InlineData("2 ^ -1", "0.5")]
    [InlineData("7 % 4", "3")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("1_000 * 3", "3000")]
    [InlineData("1.5e3 + .5", "1500.5")]
    [InlineData("sqrt(16) + abs(-3)", "7")]
    [InlineData("round(2.6) + floor(2.6) + ceil(2.1)", "8")]
    [InlineData("PI", "3.14159265358979")]
    [InlineData("ln(e)", "1")]
    [InlineData("6 × 7 ÷ 2", "21")]
    [InlineData("  - ( - 5 )  ", "5")]
    public void Evaluates_arithmetic(string expression, string expected)
        => Assert.Equal(expected, Calculator.Format(Calculator.Evaluate(expression)));

    [Theory]
    [InlineData("", "ends early")]
    [InlineData("1 +", "ends early")]
    [InlineData("(1 + 2", "missing ')'")]
    [InlineData("1 2", "unexpected '2'")]
    [InlineData("1 / 0", "not a finite number")]
    [InlineData("x + 1", "unknown name 'x'")]
    [InlineData("System.IO.File.Delete(\"a\")", "unknown name 'System'")]
    [InlineData("__import__('os').system('ls')", "unexpected '_'")]
    [InlineData("sqrt 4", "needs an argument")]
    [InlineData("1.2.3", "is not a number")]
    [InlineData("1; 2", "unexpected ';'")]
    public void Refuses_anything_else_with_a_message_saying_where(string expression, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => Calculator.Evaluate(expression));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Caps_length_and_nesting()
    {
        Assert.Contains("longer than", Assert.Throws<ArgumentException>(() => Calculator.Evaluate(new string('1', Calculator.MaxLength + 1))).Message, StringComparison.Ordinal);
        Assert.Contains("nests deeper", Assert.Throws<ArgumentException>(() => Calculator.Evaluate(new string('(', 100) + "1" + new string(')', 100))).Message, StringComparison.Ordinal);
        Assert.Contains("nests deeper", Assert.Throws<ArgumentException>(() => Calculator.Evaluate(new string('-', 100) + "1")).Message, StringComparison.Ordinal);
        Assert.Equal("1", Calculator.Format(Calculator.Evaluate(new string('(', 30) + "1" + new string(')', 30))));
    }
}
