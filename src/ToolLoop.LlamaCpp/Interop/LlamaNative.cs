using System.Reflection;
using System.Runtime.InteropServices;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// The few llama.cpp functions LLamaSharp 0.30.0 binds wrongly or not at all; everything else goes through
/// LLamaSharp's native layer. <c>AddLazyGrammar</c> binds a 6-parameter import of the 7-parameter
/// <c>llama_sampler_init_grammar_lazy_patterns</c> (the pattern count is missing) and crashes the process, and
/// <c>AddGrammar</c> does not report a grammar that fails to parse. <c>MetadataValueByKey</c> and named
/// <c>GetTemplate</c> lookups returned null for present keys after other work in the same process (the key reached
/// llama.cpp without its terminating NUL, apparently from a reused buffer), so keys go through NUL-terminated
/// imports here. The library name resolves to the
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

    [LibraryImport(Library)]
    public static partial int llama_model_meta_val_str(nint model, byte* key, byte* buffer, nuint bufferSize);

    [LibraryImport(Library)]
    public static partial byte* llama_model_chat_template(nint model, byte* name);

    /// <summary>A GGUF metadata value as a string, or <see langword="null"/> if the key is absent.</summary>
    public static string? ReadMetadata(nint model, string key)
    {
        byte[] keyBytes = NullTerminated(key);
        byte[] buffer = new byte[256];
        fixed (byte* k = keyBytes)
        {
            while (true)
            {
                int n;
                fixed (byte* b = buffer)
                {
                    n = llama_model_meta_val_str(model, k, b, (nuint)buffer.Length);
                }

                if (n < 0)
                {
                    return null;
                }

                if (n < buffer.Length)
                {
                    return System.Text.Encoding.UTF8.GetString(buffer, 0, n);
                }

                buffer = new byte[n + 1];
            }
        }
    }

    /// <summary>The chat template stored under <paramref name="name"/> (null: the default one), or <see langword="null"/>.</summary>
    public static string? ReadChatTemplate(nint model, string? name)
    {
        byte[]? nameBytes = name is null ? null : NullTerminated(name);
        fixed (byte* n = nameBytes)
        {
            byte* result = llama_model_chat_template(model, n);
            return result is null ? null : Marshal.PtrToStringUTF8((nint)result);
        }
    }

    public static byte[] NullTerminated(string text)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

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
