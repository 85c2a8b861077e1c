using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// Finds and loads llama.cpp's native libraries once per process, then loads ggml's backends and
/// initialises llama.cpp. Order: an explicit directory (option), then <c>TOOLLOOP_LLAMA_LIB_DIR</c>,
/// then default probing (the application folder, its <c>runtimes/&lt;rid&gt;/native</c> folder, and
/// the operating system's library search). An explicit directory is authoritative: if it does not
/// hold the libraries, the load fails rather than silently using another copy.
/// </summary>
internal static unsafe class LlamaLibraryLoader
{
    private static readonly Lock s_lock = new();
    private static nint s_llama;
    private static nint s_ggml;
    private static bool s_resolverRegistered;
    private static bool s_initialized;

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

    /// <summary>The directory the libraries were loaded from, or <see langword="null"/> when they came from the system search.</summary>
    public static string? LoadedDirectory { get; private set; }

    public static string? Version { get; private set; }

    public static void EnsureInitialized(string? directory, ILogger? logger)
    {
        lock (s_lock)
        {
            if (logger is not null)
            {
                LlamaLog.DefaultLogger ??= logger;
            }

            string? source = null;
            string? requested = null;
            if (!string.IsNullOrWhiteSpace(directory))
            {
                requested = Path.GetFullPath(directory);
                source = "the NativeLibraryDirectory option";
            }
            else if (Environment.GetEnvironmentVariable(LlamaCppRuntime.LibraryDirectoryEnvironmentVariable) is { Length: > 0 } fromEnvironment)
            {
                requested = Path.GetFullPath(fromEnvironment);
                source = "the " + LlamaCppRuntime.LibraryDirectoryEnvironmentVariable + " environment variable";
            }

            if (s_initialized)
            {
                // Only an explicit folder can conflict with the loaded copy; the environment variable matters at first load only.
                bool isExplicit = !string.IsNullOrWhiteSpace(directory);
                if (isExplicit && !string.Equals(requested, LoadedDirectory, StringComparison.Ordinal))
                {
                    // Check the requested folder anyway so a wrong path is reported as such.
                    ProbeDirectory(requested!, source!, out _, out _, load: false);
                    throw new InvalidOperationException(
                        $"llama.cpp is already loaded in this process from '{LoadedDirectory ?? "the system library search"}'; " +
                        $"a process can load one copy only, so '{requested}' (from {source}) cannot be used.");
                }

                return;
            }

            nint llama, ggml;
            string? loadedFrom;
            if (requested is not null)
            {
                ProbeDirectory(requested, source!, out llama, out ggml, load: true);
                loadedFrom = requested;
            }
            else
            {
                ProbeDefault(out llama, out ggml, out loadedFrom);
            }

            s_llama = llama;
            s_ggml = ggml;
            if (!s_resolverRegistered)
            {
                NativeLibrary.SetDllImportResolver(typeof(LlamaLibraryLoader).Assembly, Resolve);
                s_resolverRegistered = true;
            }

            string version = CheckVersion(llama, loadedFrom);
            NativeMethods.llama_log_set(LlamaLog.Callback, null);

            using LlamaLog.Scope scope = LlamaLog.Enter(logger);

            // GGML_BACKEND_DL builds have no backend compiled in, and ggml's own search looks next to the
            // executable (the dotnet host), so load the backends from the library folder explicitly,
            // before llama_backend_init.
            if (loadedFrom is not null)
            {
                byte[] dir = NullTerminated(loadedFrom);
                fixed (byte* p = dir)
                {
                    NativeMethods.ggml_backend_load_all_from_path(p);
                }
            }
            else
            {
                NativeMethods.ggml_backend_load_all_from_path(null);
            }

            NativeMethods.llama_backend_init();
            if (NativeMethods.ggml_backend_dev_count() == 0)
            {
                throw new LlamaCppException(
                    $"llama.cpp loaded from '{loadedFrom ?? "the system library search"}' but no ggml backend could be loaded: " +
                    "the folder must also hold libggml-base and at least one libggml-cpu-*.so.",
                    scope.Lines, null);
            }

            Version = version;
            LoadedDirectory = loadedFrom;
            s_initialized = true;
        }
    }

    internal static string[] LlamaFileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["llama.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return [$"libllama.v{LlamaCppRuntime.ExpectedVersion}.dylib", "libllama.dylib"];
        }

        return [$"libllama.v{LlamaCppRuntime.ExpectedVersion}.so", "libllama.so"];
    }

    internal static string[] GgmlFileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["ggml.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return [$"libggml.v{LlamaCppRuntime.ExpectedVersion}.dylib", "libggml.dylib"];
        }

        return [$"libggml.v{LlamaCppRuntime.ExpectedVersion}.so", "libggml.so"];
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        NativeMethods.LlamaLibrary => s_llama,
        NativeMethods.GgmlLibrary => s_ggml,
        _ => 0,
    };

    private static void ProbeDirectory(string directory, string source, out nint llama, out nint ggml, bool load)
    {
        var tried = new List<string>();
        var reasons = new List<string>();
        llama = 0;
        ggml = 0;
        if (!Directory.Exists(directory))
        {
            foreach (string name in GgmlFileNames().Concat(LlamaFileNames()))
            {
                tried.Add(Path.Combine(directory, name));
            }

            throw LoadFailure($"The llama.cpp library folder '{directory}' (from {source}) does not exist.", tried, reasons);
        }

        bool foundGgml = TryLoadFrom(directory, GgmlFileNames(), tried, reasons, load, out ggml);
        bool foundLlama = TryLoadFrom(directory, LlamaFileNames(), tried, reasons, load, out llama);
        if (!foundGgml || !foundLlama)
        {
            throw LoadFailure($"The llama.cpp native libraries were not found in '{directory}' (from {source}).", tried, reasons);
        }
    }

    private static void ProbeDefault(out nint llama, out nint ggml, out string? loadedFrom)
    {
        var tried = new List<string>();
        var reasons = new List<string>();
        string baseDirectory = AppContext.BaseDirectory;
        string[] directories =
        [
            baseDirectory,
            Path.Combine(baseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"),
        ];
        foreach (string directory in directories)
        {
            bool foundGgml = TryLoadFrom(directory, GgmlFileNames(), tried, reasons, load: true, out ggml);
            bool foundLlama = TryLoadFrom(directory, LlamaFileNames(), tried, reasons, load: true, out llama);
            if (foundGgml && foundLlama)
            {
                loadedFrom = Path.GetFullPath(directory);
                return;
            }
        }

        // Last resort: the operating system's search (LD_LIBRARY_PATH, ldconfig, ...).
        ggml = 0;
        llama = 0;
        foreach (string name in GgmlFileNames())
        {
            tried.Add(name + " (system library search)");
            if (NativeLibrary.TryLoad(name, out ggml))
            {
                break;
            }
        }

        foreach (string name in LlamaFileNames())
        {
            tried.Add(name + " (system library search)");
            if (NativeLibrary.TryLoad(name, out llama))
            {
                break;
            }
        }

        if (ggml != 0 && llama != 0)
        {
            loadedFrom = null;
            return;
        }

        throw LoadFailure("The llama.cpp native libraries were not found.", tried, reasons);
    }

    private static bool TryLoadFrom(string directory, string[] names, List<string> tried, List<string> reasons, bool load, out nint handle)
    {
        foreach (string name in names)
        {
            string path = Path.Combine(directory, name);
            tried.Add(path);
            if (!File.Exists(path))
            {
                continue;
            }

            if (!load)
            {
                handle = 0;
                return true;
            }

            try
            {
                handle = NativeLibrary.Load(path);
                return true;
            }
            catch (DllNotFoundException ex)
            {
                reasons.Add(path + ": " + ex.Message);
            }
            catch (BadImageFormatException ex)
            {
                reasons.Add(path + ": " + ex.Message);
            }
        }

        handle = 0;
        return false;
    }

    private static LlamaCppException LoadFailure(string message, List<string> tried, List<string> reasons)
    {
        string text = message + Environment.NewLine +
            "Paths tried:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", tried);
        if (reasons.Count > 0)
        {
            text += Environment.NewLine + "Load errors:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", reasons);
        }

        text += Environment.NewLine + LlamaCppRuntime.HowToGetLibraries;
        return new LlamaCppException(text, null, tried);
    }

    private static string CheckVersion(nint llama, string? loadedFrom)
    {
        string where = loadedFrom ?? "the system library search";
        if (!NativeLibrary.TryGetExport(llama, "llama_version", out nint export))
        {
            throw new LlamaCppException(
                $"The llama.cpp library from '{where}' has no llama_version export, so it is older than the supported revision " +
                $"({LlamaCppRuntime.ExpectedVersion}). {LlamaCppRuntime.HowToGetLibraries}");
        }

        string version = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)export)()) ?? string.Empty;
        if (!IsSupportedVersion(version))
        {
            throw new LlamaCppException(
                $"The llama.cpp library from '{where}' reports version '{version}', but ToolLoop.LlamaCpp is built against " +
                $"{LlamaCppRuntime.ExpectedVersion}: the struct layouts differ between revisions. {LlamaCppRuntime.HowToGetLibraries}");
        }

        return version;
    }

    /// <summary>True for <c>0.5.0</c> and its suffixed builds such as <c>0.5.0-dev</c>; false for any other release.</summary>
    internal static bool IsSupportedVersion(string version)
        => version == LlamaCppRuntime.ExpectedVersion ||
           version.StartsWith(LlamaCppRuntime.ExpectedVersion + "-", StringComparison.Ordinal);

    internal static byte[] NullTerminated(string text)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
