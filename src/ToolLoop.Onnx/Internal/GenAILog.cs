using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Interop;

namespace ToolLoop.Onnx.Internal;

/// <summary>
/// Routes ONNX Runtime GenAI's log to <see cref="ILogger"/>s. GenAI has one process-wide log callback (the managed
/// binding does not expose it; <see cref="GenAINativeMethods"/> imports it), so it is installed once, when the first
/// client with a logger is created, and lines go to the logger of the call in progress on the logging thread
/// (<see cref="Enter"/>; none if that client has no logger), and lines of GenAI calls outside any client to the most
/// recently attached logger. A scope also keeps its lines so a failure can
/// carry them.
/// </summary>
internal static unsafe class GenAILog
{
    private const int MaxScopeLines = 64;
    private static readonly Lock s_lock = new();
    private static bool s_installed;
    private static volatile ILogger? s_fallback;

    [ThreadStatic]
    private static Scope? t_scope;

    /// <summary>Installs the callback (once per process) and makes <paramref name="logger"/> the logger for lines outside any scope.</summary>
    /// <exception cref="DllNotFoundException">The native library is missing.</exception>
    public static void Attach(ILogger logger)
    {
        s_fallback = logger;
        lock (s_lock)
        {
            if (s_installed)
            {
                return;
            }

            GenAINativeMethods.SetLogCallback(&OnLog);
            Utils.SetLogBool("enabled", true);
            Utils.SetLogBool("ansi_tags", false);
            s_installed = true;
        }
    }

    /// <summary>Sends this thread's GenAI log lines to <paramref name="logger"/> and records them until the scope is disposed.</summary>
    public static Scope Enter(ILogger? logger)
    {
        var scope = new Scope(logger, t_scope);
        t_scope = scope;
        return scope;
    }

    [UnmanagedCallersOnly]
    private static void OnLog(byte* text, nuint length)
    {
        try
        {
            string message = Marshal.PtrToStringUTF8((nint)text, checked((int)length));
            foreach (string raw in message.Split('\n'))
            {
                string line = raw.TrimEnd('\r', ' ');
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                Scope? scope = t_scope;
                scope?.Record(line);
                // A call of a client without a logger keeps its lines to itself; calls outside any client (the app's
                // own GenAI use) go to the most recently configured logger.
                ILogger? logger = scope is not null ? scope.Logger : s_fallback;
                LogLevel level = Level(line);
                if (logger is not null && logger.IsEnabled(level))
                {
                    logger.Log(level, default, line, null, static (l, _) => l);
                }
            }
        }
#pragma warning disable CA1031 // An exception must never unwind into native code.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    // GenAI's callback carries no level; its warnings and errors say so in the text.
    private static LogLevel Level(string line)
        => line.Contains("error", StringComparison.OrdinalIgnoreCase) ? LogLevel.Error
        : line.Contains("warning", StringComparison.OrdinalIgnoreCase) ? LogLevel.Warning
        : LogLevel.Debug;

    /// <summary>The log lines of one call on one thread.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private List<string>? _lines; // created on the first line: most scopes (one per generated token) see none

        internal Scope(ILogger? logger, Scope? outer)
        {
            Logger = logger ?? outer?.Logger;
            _outer = outer;
        }

        public ILogger? Logger { get; }

        public IReadOnlyList<string> Lines => (IReadOnlyList<string>?)_lines ?? [];

        public void Dispose() => t_scope = _outer;

        internal void Record(string line)
        {
            List<string> lines = _lines ??= [];
            if (lines.Count == MaxScopeLines)
            {
                lines.RemoveAt(0);
            }

            lines.Add(line);
        }
    }
}
