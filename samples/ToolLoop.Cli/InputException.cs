namespace ToolLoop.Cli;

/// <summary>An input file or input line that cannot be used as written (exit code 1, one line of explanation).</summary>
public sealed class InputException : Exception
{
    public InputException()
    {
    }

    public InputException(string message)
        : base(message)
    {
    }

    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
