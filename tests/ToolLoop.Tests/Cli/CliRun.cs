using System.Text;
using ToolLoop.Cli;

namespace ToolLoop.Tests.Cli;

/// <summary>Exit code and the two output streams of one <c>toolloop</c> run.</summary>
public sealed record CliResult(int Code, string Stdout, string Stderr)
{
    /// <summary>Asserts the run failed the way the command line promises: the code, one line on stderr, no stack trace.</summary>
    public CliResult AssertFailure(int code, string expectedText)
    {
        Assert.Equal(code, Code);
        Assert.Contains(expectedText, Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", Stderr, StringComparison.Ordinal);
        if (code == 1)
        {
            Assert.Single(Stderr.TrimEnd('\n').Split('\n'));
        }
        else
        {
            Assert.Contains("toolloop --help", Stderr, StringComparison.Ordinal);
        }

        return this;
    }
}

/// <summary>Runs the command line in process, on in-memory streams (no terminal).</summary>
public static class CliRun
{
    public static async Task<CliResult> RunAsync(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, input, output, error);
        return new CliResult(code, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    /// <summary>A temporary file with <paramref name="content"/>, deleted when the returned handle is disposed.</summary>
    public static TempFile File(string content, string extension = ".json") => new(content, extension);

    public sealed class TempFile : IDisposable
    {
        internal TempFile(string content, string extension)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"toolloop-cli-{Guid.NewGuid():N}{extension}");
            System.IO.File.WriteAllText(Path, content);
        }

        internal TempFile(byte[] content, string extension)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"toolloop-cli-{Guid.NewGuid():N}{extension}");
            System.IO.File.WriteAllBytes(Path, content);
        }

        public string Path { get; }

        public static TempFile Bytes(byte[] content, string extension) => new(content, extension);

        public void Dispose() => System.IO.File.Delete(Path);
    }
}
