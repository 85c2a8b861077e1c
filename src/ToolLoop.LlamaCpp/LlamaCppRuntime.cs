using Microsoft.Extensions.Logging;
using ToolLoop.LlamaCpp.Internal;

namespace ToolLoop.LlamaCpp;

/// <summary>
/// The process-wide llama.cpp runtime, loaded by LLamaSharp from the backend package the application references
/// (<c>LLamaSharp.Backend.Cpu</c>, <c>.Cuda12</c>, <c>.Vulkan</c>, at LLamaSharp's version). <see cref="LlamaModel"/>
/// and <see cref="LlamaCppChatClient"/> call <see cref="Initialize"/> themselves; call it directly to fail early, to
/// choose the logger, or to load llama.cpp from a folder of your own. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// LLamaSharp runs one decode at a time per process (a process-wide lock around <c>llama_decode</c>), so contexts of
/// different clients never decode in parallel; a request waiting for that lock cannot be cancelled until the decode
/// holding it returns (at most one batch of <see cref="LlamaCppChatClientOptions.BatchSize"/> tokens).
/// </para>
/// <para>
/// The CPU natives use OpenMP (the system's <c>libgomp.so.1</c> on Linux). OpenMP threads spin while they wait, so
/// more threads than free cores slows decoding down sharply; see <see cref="LlamaCppChatClientOptions.ThreadCount"/>.
/// On a busy machine, start the process with <c>OMP_WAIT_POLICY=PASSIVE</c> (native code reads it at start-up; setting
/// it from .NET afterwards has no effect).
/// </para>
/// </remarks>
public static class LlamaCppRuntime
{
    /// <summary>The LLamaSharp version this package is built and tested against; its backend package must have the same version.</summary>
    public const string LLamaSharpVersion = "0.30.0";

    internal const string BackendAdvice =
        "Add one LLamaSharp backend package at version " + LLamaSharpVersion + " to the application (LLamaSharp.Backend.Cpu for CPUs and " +
        "Apple Metal, LLamaSharp.Backend.Cuda12 or LLamaSharp.Backend.Vulkan for GPUs), or point LlamaModelOptions.NativeLibraryDirectory " +
        "at a folder holding a matching llama.cpp build.";

    internal const string OpenMpMissingAdvice =
        "The system's OpenMP runtime libgomp.so.1 is missing or cannot be loaded; LLamaSharp.Backend.Cpu's libraries need it and do not ship it. " +
        "Install it (Debian/Ubuntu: apt-get install libgomp1; Fedora/RHEL: dnf install libgomp; Alpine: apk add libgomp).";

    /// <summary>Whether llama.cpp is loaded and initialised in this process.</summary>
    public static bool IsInitialized => LlamaNativeLoader.IsInitialized;

    /// <summary>The folder llama.cpp was loaded from when one was given, or <see langword="null"/> (the backend package's natives, or not loaded).</summary>
    public static string? LibraryDirectory => LlamaNativeLoader.Directory;

    /// <summary>Which native variant LLamaSharp loaded and llama.cpp's system information (CPU features, OpenMP), for diagnostics.</summary>
    /// <exception cref="LlamaCppException">llama.cpp could not be loaded.</exception>
    public static string Describe()
    {
        Initialize();
        return LlamaNativeLoader.DescribeLoaded();
    }

    /// <summary>
    /// Loads llama.cpp once per process. Without <paramref name="nativeLibraryDirectory"/>, LLamaSharp picks the best
    /// variant of the referenced backend package (CUDA, Vulkan, then the CPU's highest AVX level). A later call naming
    /// a different folder throws, because a process holds one copy of the libraries.
    /// </summary>
    /// <param name="nativeLibraryDirectory">A folder holding <c>libllama</c> and its <c>ggml</c> libraries of LLamaSharp's llama.cpp revision; null for the backend package's natives.</param>
    /// <param name="logger">Receives llama.cpp's log lines that are not tied to a model (the first logger supplied is kept). llama.cpp's log callback is process-wide: it replaces one the application set through LLamaSharp.</param>
    /// <exception cref="LlamaCppException">
    /// The natives are missing or cannot load (the message says which package to add, or that <c>libgomp.so.1</c> is
    /// missing). LLamaSharp cannot retry a failed load, so every later call in the process throws the same.
    /// </exception>
    /// <exception cref="InvalidOperationException">llama.cpp is already loaded from elsewhere.</exception>
    public static void Initialize(string? nativeLibraryDirectory = null, ILogger? logger = null)
        => LlamaNativeLoader.EnsureInitialized(nativeLibraryDirectory, logger);
}
