using System.Runtime.InteropServices;

namespace ToolLoop.LlamaCpp.Interop;

/// <summary>
/// Raw declarations of the llama.cpp and ggml C API at the revision of
/// <c>@node-llama-cpp/linux-x64@3.22.1</c> (llama.cpp release v0.5.0). Strings are UTF-8 <c>byte*</c>;
/// native objects are pointers, owned by the <see cref="SafeHandle"/> types of this folder.
/// The library names are resolved by <see cref="LlamaLibraryLoader"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    public const string LlamaLibrary = "llama";
    public const string GgmlLibrary = "ggml";

    // ---- ggml (backend registry lives in libggml, not libllama)
    [LibraryImport(GgmlLibrary)]
    public static partial void ggml_backend_load_all_from_path(byte* dirPath);

    [LibraryImport(GgmlLibrary)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(GgmlLibrary)]
    public static partial nuint ggml_backend_reg_count();

    // ---- process
    [LibraryImport(LlamaLibrary)]
    public static partial void llama_backend_init();

    [LibraryImport(LlamaLibrary)]
    public static partial byte* llama_version();

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_log_set(delegate* unmanaged<int, byte*, void*, void> callback, void* userData);

    // ---- defaults (returned by value)
    [LibraryImport(LlamaLibrary)]
    public static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(LlamaLibrary)]
    public static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(LlamaLibrary)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    // ---- model
    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_model_load_from_file(byte* path, LlamaModelParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_model_free(nint model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buffer, nuint bufferSize);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_meta_val_str(SafeLlamaModelHandle model, byte* key, byte* buffer, nuint bufferSize);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial byte* llama_model_chat_template(SafeLlamaModelHandle model, byte* name);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);

    // ---- vocab (the vocab pointer is owned by the model)
    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_tokenize(nint vocab, byte* text, int textLength, int* tokens, int maxTokens, [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_token_to_piece(nint vocab, int token, byte* buffer, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);

    // ---- context
    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_free(nint context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_ctx(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_batch(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_set_abort_callback(SafeLlamaContextHandle context, delegate* unmanaged<void*, bool> callback, void* userData);

    // ---- memory (KV cache); llama_memory_t is owned by the context
    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_get_memory(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(nint memory, int seqId, int p0, int p1);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_memory_seq_pos_max(nint memory, int seqId);

    // ---- decode
    [LibraryImport(LlamaLibrary)]
    public static partial LlamaBatch llama_batch_get_one(int* tokens, int count);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_decode(SafeLlamaContextHandle context, LlamaBatch batch);

    // ---- sampling
    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_greedy();

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_temp(float t);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_sampler_sample(SafeLlamaSamplerHandle sampler, SafeLlamaContextHandle context, int index);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_free(nint sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_sampler_chain_n(SafeLlamaSamplerHandle chain);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_chain_get(SafeLlamaSamplerHandle chain, int index);

    [LibraryImport(LlamaLibrary)]
    public static partial byte* llama_sampler_name(nint sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_sampler_get_seed(nint sampler);
}
