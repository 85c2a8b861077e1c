using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp;

/// <summary>
/// The process-wide llama.cpp runtime: finds and loads the native libraries once, loads ggml's
/// backends and routes llama.cpp's log to an <see cref="ILogger"/>. <see cref="LlamaModel"/> and
/// <see cref="LlamaCppChatClient"/> call <see cref="Initialize"/> themselves; call it directly to
/// fail early or to choose the logger. Thread-safe.
/// </summary>
public static class LlamaCppRuntime
{
    /// <summary>The environment variable read (by managed code) for the native library folder: <c>TOOLLOOP_LLAMA_LIB_DIR</c>.</summary>
    public const string LibraryDirectoryEnvironmentVariable = "TOOLLOOP_LLAMA_LIB_DIR";

    /// <summary>The llama.cpp version this binding's struct layouts match (<c>llama_version()</c> must start with it).</summary>
    public const string ExpectedVersion = "0.5.0";

    internal const string HowToGetLibraries =
        "Get the libraries with `npm pack @node-llama-cpp/linux-x64@3.22.1` and unpack `package/bins/linux-x64/` " +
        "(or build llama.cpp release v0.5.0 yourself), then point the NativeLibraryDirectory option or the " +
        LibraryDirectoryEnvironmentVariable + " environment variable at that folder.";

    /// <summary>Whether the native libraries are loaded and initialised in this process.</summary>
    public static bool IsInitialized => LlamaLibraryLoader.IsInitialized;

    /// <summary>The string returned by <c>llama_version()</c>, or <see langword="null"/> before initialisation.</summary>
    public static string? Version => LlamaLibraryLoader.Version;

    /// <summary>The folder the libraries were loaded from, or <see langword="null"/> (not loaded, or found by the system search).</summary>
    public static string? LibraryDirectory => LlamaLibraryLoader.LoadedDirectory;

    /// <summary>
    /// Loads llama.cpp once per process. The folder is <paramref name="nativeLibraryDirectory"/> if given,
    /// else <c>TOOLLOOP_LLAMA_LIB_DIR</c>, else default probing (the application folder,
    /// <c>runtimes/&lt;rid&gt;/native</c>, the system search). A later call naming a different folder throws,
    /// because a process holds one copy of the libraries.
    /// </summary>
    /// <param name="nativeLibraryDirectory">The folder holding <c>libllama</c>, <c>libggml</c>, <c>libggml-base</c> and the <c>libggml-cpu-*</c> backends.</param>
    /// <param name="logger">Receives llama.cpp's log lines that are not tied to a model (the first logger supplied is kept).</param>
    /// <exception cref="LlamaCppException">The libraries are missing (the message names every path tried), of another version, or no backend loads.</exception>
    public static void Initialize(string? nativeLibraryDirectory = null, ILogger? logger = null)
        => LlamaLibraryLoader.EnsureInitialized(nativeLibraryDirectory, logger);
}
