using System.Reflection;
using System.Runtime.InteropServices;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// The few llama.cpp functions LLamaSharp 0.30.0 binds wrongly or not at all; everything else goes through
/// LLamaSharp's native layer. <c>AddLazyGrammar</c> binds a 6-parameter import of the 7-parameter
/// <c>llama_sampler_init_grammar_lazy_patterns</c> (the pattern count is missing) and crashes the process, and
/// <c>AddGrammar</c> does not report a grammar that fails to parse. The library name resolves to the
/// <c>libllama</c> LLamaSharp loaded (one copy per process; see <see cref="RegisterResolver"/>).
/// </summary>
internal static unsafe partial class LlamaNative
{
    private const string Library = "llama";
    private static int s_registered;

    /// <summary>
    /// Makes this assembly's <c>llama</c> imports bind to the library LLamaSharp loaded. Call after LLamaSharp's first
    /// native call: loading the bare SONAME then returns the already-loaded copy (the dynamic loader matches it by name).
    /// </summary>
    public static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(LlamaNative).Assembly, Resolve);
        }
    }

    [LibraryImport(Library)]
    public static partial nint llama_model_get_vocab(nint model);

    [LibraryImport(Library)]
    public static partial void llama_sampler_chain_add(nint chain, nint sampler);

    [LibraryImport(Library)]
    public static partial nint llama_sampler_init_grammar(nint vocab, byte* grammar, byte* root);

    [LibraryImport(Library)]
    public static partial nint llama_sampler_init_grammar_lazy_patterns(nint vocab, byte* grammar, byte* root, byte** triggerPatterns, nuint patternCount, int* triggerTokens, nuint tokenCount);

    [LibraryImport(Library)]
    public static partial nint llama_get_memory(nint context);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return 0;
        }

        string file = OperatingSystem.IsWindows() ? "llama.dll" : OperatingSystem.IsMacOS() ? "libllama.dylib" : "libllama.so";

        // The copy LLamaSharp loaded is in the process already: loading its full path returns the same handle.
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        foreach (System.Diagnostics.ProcessModule module in process.Modules)
        {
            if (string.Equals(Path.GetFileName(module.FileName), file, StringComparison.OrdinalIgnoreCase) && NativeLibrary.TryLoad(module.FileName, out nint loaded))
            {
                return loaded;
            }
        }

        return NativeLibrary.TryLoad(file, out nint handle) ? handle : 0;
    }
}
