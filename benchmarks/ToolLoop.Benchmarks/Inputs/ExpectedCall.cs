namespace ToolLoop.Benchmarks.Inputs;

/// <summary>A call a benchmark input holds: its name, its arguments, and the plain JSON call object for the JSON baseline.</summary>
/// <param name="Name">The tool name.</param>
/// <param name="ArgumentsJson">The arguments object.</param>
internal sealed record ExpectedCall(string Name, string ArgumentsJson)
{
    /// <summary>Gets the call as one JSON object, <c>{"name": …, "arguments": …}</c>, as Hermes writes it between its tags.</summary>
    public string CallJson => $"{{\"name\": \"{Name}\", \"arguments\": {ArgumentsJson}}}";
}
