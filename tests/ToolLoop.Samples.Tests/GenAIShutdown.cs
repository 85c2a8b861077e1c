using ToolLoop.Cli.Chat;

[assembly: AssemblyFixture(typeof(ToolLoop.Samples.Tests.GenAIShutdown))]

namespace ToolLoop.Samples.Tests;

/// <summary>Shuts GenAI down after the last test, as the CLI's Program does at exit (every GenAI object is disposed by then).</summary>
public sealed class GenAIShutdown : IDisposable
{
    public void Dispose() => GenAILifetime.Shutdown();
}
