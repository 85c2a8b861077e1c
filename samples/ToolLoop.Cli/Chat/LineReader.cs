using System.Threading.Channels;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// Lines of standard input, read by one background pump, so a wait for the next line can be cancelled (Ctrl+C) without
/// losing the line a person is about to type: the pending read stays in the pump, and the line goes to the next reader.
/// </summary>
internal sealed class LineReader
{
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private bool _ended;

    public LineReader(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _ = Task.Factory.StartNew(() => Pump(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The next line, or <see langword="null"/> at the end of input.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return null;
        }

        var line = await _lines.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _ended = line is null;
        return line;
    }

    private void Pump(TextReader input)
    {
        try
        {
            while (input.ReadLine() is { } line)
            {
                _lines.Writer.TryWrite(line);
            }
        }
        catch (IOException)
        {
            // A closed or broken input is the end of input.
        }
        catch (ObjectDisposedException)
        {
        }

        _lines.Writer.TryWrite(null);
        _lines.Writer.TryComplete();
    }
}
