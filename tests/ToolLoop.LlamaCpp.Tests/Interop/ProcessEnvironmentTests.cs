namespace ToolLoop.LlamaCpp.Tests.Interop;

public sealed class ProcessEnvironmentTests
{
    [Fact]
    public void The_test_host_starts_with_GGML_NO_BACKTRACE_set()
        => Assert.Equal("1", Environment.GetEnvironmentVariable("GGML_NO_BACKTRACE"));
}
