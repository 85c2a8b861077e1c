using System.Text;

namespace ToolLoop.Cli;

/// <summary>
/// The command line's standard streams, whether a person is at them, and Ctrl+C. Commands that stream text write through
/// <see cref="Out"/>; <c>parse</c> writes bytes to <see cref="OutputStream"/>.
/// </summary>
/// <remarks>Ctrl+C goes to the innermost handler registered with <see cref="OnCancel"/>; with none, it ends the process as usual.</remarks>
public sealed class CliConsole
{
    private readonly Lazy<TextReader> _in;
    private readonly Lazy<TextWriter> _out;
    private readonly List<Action> _cancelHandlers = [];

    public CliConsole(Stream input, Stream output, TextWriter error, bool inputIsTerminal = false, bool errorIsTerminal = false, TextReader? inputReader = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        InputStream = input;
        OutputStream = output;
        Error = error;
        InputIsTerminal = inputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        _in = new(() => inputReader ?? new StreamReader(input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false));
        _out = new(() => new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1024, leaveOpen: true) { AutoFlush = true, NewLine = "\n" });
    }

    public Stream InputStream { get; }

    public Stream OutputStream { get; }

    /// <summary>Standard input as text (created on first use).</summary>
    public TextReader In => _in.Value;

    /// <summary>Standard output as text, flushed after every write (created on first use).</summary>
    public TextWriter Out => _out.Value;

    public TextWriter Error { get; }

    /// <summary>Whether standard input is a terminal (a person can answer questions).</summary>
    public bool InputIsTerminal { get; }

    /// <summary>Whether standard error is a terminal (progress can redraw one line).</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>The process's console: standard streams, terminal detection and Ctrl+C.</summary>
    public static CliConsole FromSystemConsole()
    {
        var inputIsTerminal = !Console.IsInputRedirected;
        var console = new CliConsole(
            Console.OpenStandardInput(),
            Console.OpenStandardOutput(),
            Console.Error,
            inputIsTerminal,
            !Console.IsErrorRedirected,
            inputIsTerminal ? Console.In : null);
        Console.CancelKeyPress += (_, e) => e.Cancel = console.RequestCancel();
        return console;
    }

    /// <summary>Routes Ctrl+C to <paramref name="handler"/> until the returned registration is disposed.</summary>
    public IDisposable OnCancel(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_cancelHandlers)
        {
            _cancelHandlers.Add(handler);
        }

        return new Registration(this, handler);
    }

    /// <summary>Delivers a Ctrl+C to the innermost handler; false when no handler is registered (the process then ends).</summary>
    public bool RequestCancel()
    {
        Action? handler;
        lock (_cancelHandlers)
        {
            handler = _cancelHandlers.Count == 0 ? null : _cancelHandlers[^1];
        }

        handler?.Invoke();
        return handler is not null;
    }

    /// <summary>Flushes standard output (the text writer, if it was used).</summary>
    public async Task FlushAsync()
    {
        if (_out.IsValueCreated)
        {
            await _out.Value.FlushAsync().ConfigureAwait(false);
        }

        await OutputStream.FlushAsync().ConfigureAwait(false);
    }

    private sealed class Registration(CliConsole console, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (console._cancelHandlers)
            {
                console._cancelHandlers.Remove(handler);
            }
        }
    }
}
