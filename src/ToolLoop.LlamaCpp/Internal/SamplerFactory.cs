using ToolLoop.LlamaCpp.Interop;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Builds llama.cpp sampler chains from sampling settings.</summary>
internal static class SamplerFactory
{
    /// <summary>llama.cpp's <c>LLAMA_DEFAULT_SEED</c>: a random seed.</summary>
    public const uint RandomSeed = 0xFFFFFFFF;

    /// <summary>
    /// Temperature &lt;= 0 (or null) selects greedy decoding. Otherwise the chain is
    /// top-k → top-p → temperature → dist(seed), the order llama.cpp's own tools use, so top-k and
    /// top-p filter on the model's own distribution before temperature reshapes it.
    /// </summary>
    public static SafeLlamaSamplerHandle Create(float? temperature, float? topP, int? topK, long? seed)
    {
        var chain = new SafeLlamaSamplerHandle(NativeMethods.llama_sampler_chain_init(NativeMethods.llama_sampler_chain_default_params()));
        if (chain.IsInvalid)
        {
            throw new LlamaCppException("llama_sampler_chain_init failed.");
        }

        try
        {
            if (temperature is not > 0f)
            {
                Add(chain, NativeMethods.llama_sampler_init_greedy());
                return chain;
            }

            if (topK is > 0)
            {
                Add(chain, NativeMethods.llama_sampler_init_top_k(topK.Value));
            }

            if (topP is > 0f and < 1f)
            {
                Add(chain, NativeMethods.llama_sampler_init_top_p(topP.Value, 1));
            }

            Add(chain, NativeMethods.llama_sampler_init_temp(temperature.Value));
            Add(chain, NativeMethods.llama_sampler_init_dist(seed is { } s ? unchecked((uint)s) : RandomSeed));
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    private static void Add(SafeLlamaSamplerHandle chain, nint sampler)
    {
        if (sampler == 0)
        {
            throw new LlamaCppException("llama.cpp could not create a sampler.");
        }

        NativeMethods.llama_sampler_chain_add(chain, sampler);
    }
}
