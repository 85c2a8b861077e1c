using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// Receives llama.cpp's (and ggml's and LLamaSharp's loader's) log through LLamaSharp's <c>llama_log_set</c> and forwards whole lines to an
/// <see cref="ILogger"/>. The native callback is process-wide; a <see cref="Scope"/> entered on the
/// calling thread routes lines logged by that thread (model loading, decoding) to its own logger and
/// records them, so an exception can carry llama.cpp's explanation of a failure.
/// </summary>
internal static class LlamaLog
{
    private const int RecentCapacity = 256;

    private static readonly Queue<string> s_recent = new();
    private static readonly Lock s_recentLock = new();
    private static ILogger? s_defaultLogger;

    [ThreadStatic]
    private static StringBuilder? t_pending;

    [ThreadStatic]
    private static int t_pendingLevel;

    [ThreadStatic]
    private static Scope? t_scope;

    /// <summary>The logger for lines logged outside any scope (for example by ggml worker threads).</summary>
    public static ILogger? DefaultLogger
    {
        get => Volatile.Read(ref s_defaultLogger);
        set => Volatile.Write(ref s_defaultLogger, value);
    }

    /// <summary>The process-wide callback (kept in a static so the delegate outlives every native call).</summary>
    public static NativeLogConfig.LLamaLogCallback Callback { get; } = OnLog;

    /// <summary>The most recent lines logged by any thread, oldest first.</summary>
    public static string[] Recent()
    {
        lock (s_recentLock)
        {
            return [.. s_recent];
        }
    }

    /// <summary>Routes this thread's llama.cpp log lines to <paramref name="logger"/> and records them until disposed.</summary>
    public static Scope Enter(ILogger? logger)
    {
        var scope = new Scope(logger, t_scope);
        t_scope = scope;
        return scope;
    }

    private static void OnLog(LLamaLogLevel logLevel, string? text)
    {
        try
        {
            if (text is null)
            {
                return;
            }

            int level = (int)logLevel;
            string fragment = text;
            StringBuilder pending = t_pending ??= new StringBuilder();

            // GGML_LOG_LEVEL_CONT (5) continues the previous line at the previous level.
            if (level != 5 && pending.Length == 0)
            {
                t_pendingLevel = level;
            }

            int start = 0;
            for (int i = 0; i < fragment.Length; i++)
            {
                if (fragment[i] == '\n')
                {
                    pending.Append(fragment, start, i - start);
                    Flush(pending);
                    start = i + 1;
                }
            }

            pending.Append(fragment, start, fragment.Length - start);
        }
#pragma warning disable CA1031 // A native callback must never throw: an exception here would tear down the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void Flush(StringBuilder pending)
    {
        string line = pending.ToString();
        pending.Clear();
        if (line.Length == 0)
        {
            return;
        }

        lock (s_recentLock)
        {
            if (s_recent.Count == RecentCapacity)
            {
                s_recent.Dequeue();
            }

            s_recent.Enqueue(line);
        }

        Scope? scope = t_scope;
        scope?.Add(line);
        ILogger? logger = scope?.Logger ?? DefaultLogger;
        if (logger is null)
        {
            return;
        }

        LogLevel logLevel = t_pendingLevel switch
        {
            1 => LogLevel.Debug,
            2 => LogLevel.Information,
            3 => LogLevel.Warning,
            4 => LogLevel.Error,
            _ => LogLevel.Debug,
        };
        if (logger.IsEnabled(logLevel))
        {
            logger.Log(logLevel, s_eventId, line, null, static (state, _) => state);
        }
    }

    private static readonly EventId s_eventId = new(1, "LlamaCpp");

    /// <summary>A per-thread log capture; dispose it on the thread that entered it.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Scope? _previous;
        private List<string>? _lines; // created on the first line: most scopes (one per decode) see none

        public Scope(ILogger? logger, Scope? previous)
        {
            Logger = logger;
            _previous = previous;
        }

        public ILogger? Logger { get; }

        public IReadOnlyList<string> Lines => (IReadOnlyList<string>?)_lines ?? [];

        public void Add(string line)
        {
            (_lines ??= []).Add(line);
            _previous?.Add(line);
        }

        public void Dispose()
        {
            if (ReferenceEquals(t_scope, this))
            {
                t_scope = _previous;
            }
        }
    }
}
