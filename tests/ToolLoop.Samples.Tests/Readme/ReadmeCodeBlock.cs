namespace ToolLoop.Samples.Tests.Readme;

/// <summary>A fenced code block of README.md.</summary>
/// <param name="Language">The fence's info string (<c>csharp</c>, <c>sh</c>, or empty).</param>
/// <param name="Line">The README line (1-based) of the block's first code line.</param>
/// <param name="Code">The code, without the fences.</param>
internal sealed record ReadmeCodeBlock(string Language, int Line, string Code)
{
    public override string ToString() => $"README.md:{Line} ({Language})";
}
