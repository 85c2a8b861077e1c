using System.Collections.Concurrent;
using System.Text;
using ToolLoop.Cli;

namespace ToolLoop.Samples.Tests.Cli;

/// <summary>
/// A console for the command line in process: lines are typed while it runs (<see cref="Type"/>), output can be awaited
/// (<see cref="WaitForAsync"/>), and Ctrl+C is <see cref="CliConsole.RequestCancel"/>.
/// </summary>
internal sealed class TestConsole : IDisposable
{
    private readonly BlockingCollection<string?> _lines = [];
    private readonly WatchedStream _output = new();
    private readonly StringWriter _error = new();

    public TestConsole(bool isTerminal, params string[] lines)
    {
        foreach (var line in lines)
        {
            _lines.Add(line);
        }

        Console = new CliConsole(Stream.Null, _output, TextWriter.Synchronized(_error), isTerminal, errorIsTerminal: false, new LineSource(_lines));
    }

    public CliConsole Console { get; }

    public string Output => _output.Text;

    public string Error => _error.ToString();

    public void Type(string line) => _lines.Add(line);

    public void EndInput() => _lines.Add(null);

    /// <summary>Waits until the output contains <paramref name="text"/> <paramref name="count"/> times (bounded: a hang fails the test).</summary>
    public async Task WaitForAsync(string text, int count = 1)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (Count(Output, text) >= count)
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"the output never showed '{text}' ({count}x):\n{Output}\n{Error}");
    }

    public Task<int> RunAsync(params string[] args) => Task.Run(() => CliApp.RunAsync(args, Console));

    public void Dispose()
    {
        _lines.Dispose();
        _output.Dispose();
        _error.Dispose();
    }

    private static int Count(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private sealed class LineSource(BlockingCollection<string?> lines) : TextReader
    {
        public override string? ReadLine() => lines.Take();
    }

    private sealed class WatchedStream : Stream
    {
        private readonly MemoryStream _buffer = new();

        public string Text
        {
            get
            {
                lock (_buffer)
                {
                    return Encoding.UTF8.GetString(_buffer.ToArray());
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_buffer)
            {
                _buffer.Write(buffer, offset, count);
            }
        }
    }
}
