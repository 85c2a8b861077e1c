using System.Runtime.InteropServices;
using LLama.Native;
using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// Loads LLamaSharp's native library once per process (LLamaSharp chooses the CPU/GPU variant of the backend package
/// the application references), then binds ToolLoop's own imports to the same library and routes the native log.
/// </summary>
internal static class LlamaNativeLoader
{
    private static readonly Lock s_lock = new();
    private static bool s_initialized;
    private static Exception? s_failure;
    private static string? s_directory;

    public static bool IsInitialized
    {
        get
        {
            lock (s_lock)
            {
                return s_initialized;
            }
        }
    }

    public static string? Directory
    {
        get
        {
            lock (s_lock)
            {
                return s_directory;
            }
        }
    }

    public static string LibraryFileName => OperatingSystem.IsWindows() ? "llama.dll" : OperatingSystem.IsMacOS() ? "libllama.dylib" : "libllama.so";

    public static void EnsureInitialized(string? directory, ILogger? logger)
    {
        lock (s_lock)
        {
            if (logger is not null)
            {
                LlamaLog.DefaultLogger ??= logger;
            }

            string? requested = string.IsNullOrWhiteSpace(directory) ? null : Path.GetFullPath(directory);
            if (s_failure is not null)
            {
                throw LoadFailure(s_failure, requested);
            }

            if (s_initialized)
            {
                if (requested is not null && !string.Equals(requested, s_directory, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"llama.cpp is already loaded in this process ({Describe(s_directory)}); a process holds one copy, so '{requested}' cannot be used.");
                }

                return;
            }

            if (requested is not null)
            {
                string library = Path.Combine(requested, LibraryFileName);
                if (!File.Exists(library))
                {
                    // Checked before LLamaSharp sees the path: a failed native load cannot be retried in this process.
                    throw new LlamaCppException(
                        $"The native library folder '{requested}' (the NativeLibraryDirectory option) has no {LibraryFileName}" +
                        (System.IO.Directory.Exists(requested) ? "." : ": the folder does not exist."),
                        null,
                        [library]);
                }

                if (NativeLibraryConfig.LLama.LibraryHasLoaded)
                {
                    throw new InvalidOperationException(
                        $"LLamaSharp has already loaded its native library in this process, so the NativeLibraryDirectory '{requested}' cannot apply.");
                }

                NativeLibraryConfig.LLama.WithLibrary(library);
            }

            try
            {
                // The first native call must go through NativeApi: its static constructor installs LLamaSharp's
                // resolver, selects the variant and runs llama_backend_init.
                NativeApi.llama_empty_call();
            }
#pragma warning disable CA1031 // Every failure of the first native call is mapped to one exception that explains it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                s_failure = ex;
                throw LoadFailure(ex, requested);
            }

            LlamaNative.RegisterResolver();
            NativeLogConfig.llama_log_set(LlamaLog.Callback);
            s_directory = requested;
            s_initialized = true;
        }
    }

    /// <summary>The variant LLamaSharp loaded and llama.cpp's system information line, for diagnostics.</summary>
    public static string DescribeLoaded()
    {
        string variant = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata?.ToString() ?? "unknown variant";
        string system = Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? string.Empty;
        return variant + "; " + system.Trim();
    }

    internal static bool OpenMpRuntimeMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (NativeLibrary.TryLoad("libgomp.so.1", out nint handle))
        {
            NativeLibrary.Free(handle);
            return false;
        }

        return true;
    }

    private static LlamaCppException LoadFailure(Exception cause, string? requested)
    {
        Exception root = cause;
        while (root is TypeInitializationException { InnerException: { } inner })
        {
            root = inner;
        }

        string message = $"LLamaSharp could not load llama.cpp's native library ({Describe(requested)}): {root.Message}";
        if (OpenMpRuntimeMissing())
        {
            message += Environment.NewLine + LlamaCppRuntime.OpenMpMissingAdvice;
        }
        else
        {
            message += Environment.NewLine + LlamaCppRuntime.BackendAdvice;
        }

        message += Environment.NewLine + "LLamaSharp cannot retry a failed native load: it stays broken for the rest of this process. Fix the cause, then restart the process.";
        return new LlamaCppException(message, null, requested is null ? null : [Path.Combine(requested, LibraryFileName)], cause);
    }

    private static string Describe(string? directory) => directory is null ? "the backend package's natives" : "from '" + directory + "'";
}
