using LLama.Native;
using ToolLoop.LlamaCpp.Interop;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>Builds a request's llama.cpp sampler chain from its settings.</summary>
internal static class SamplerFactory
{
    /// <summary>llama.cpp's <c>LLAMA_DEFAULT_SEED</c>: a random seed.</summary>
    public const uint RandomSeed = 0xFFFFFFFF;

    /// <summary>
    /// The chain is [grammar] → greedy when the temperature is unset or &lt;= 0, else [grammar] → top-k → top-p →
    /// temperature → dist(seed), the order llama.cpp's own tools use: the grammar masks what cannot follow, top-k and
    /// top-p filter on the model's own distribution before temperature reshapes it.
    /// </summary>
    /// <exception cref="LlamaCppException">The grammar does not parse (llama.cpp's log says why).</exception>
    public static SafeLLamaSamplerChainHandle Create(LlamaModel model, GenerationSettings settings)
    {
        SafeLLamaSamplerChainHandle chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            if (settings.Grammar is { } grammar)
            {
                AddGrammar(model, chain, grammar);
            }

            if (settings.Temperature is not > 0f)
            {
                chain.AddGreedySampler();
                return chain;
            }

            if (settings.TopK is > 0)
            {
                chain.AddTopK(settings.TopK.Value);
            }

            if (settings.TopP is > 0f and < 1f)
            {
                chain.AddTopP(settings.TopP.Value, 1);
            }

            chain.AddTemperature(settings.Temperature.Value);
            chain.AddDistributionSampler(settings.Seed is { } s ? unchecked((uint)s) : RandomSeed);
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds a grammar sampler through ToolLoop's own imports (LLamaSharp's lazy variant has the wrong arity and crashes,
    /// and neither variant reports a grammar that fails to parse). The chain owns and frees the sampler.
    /// </summary>
    internal static unsafe void AddGrammar(LlamaModel model, SafeLLamaSamplerChainHandle chain, SamplerGrammar grammar)
    {
        using Interop.LlamaLog.Scope scope = Interop.LlamaLog.Enter(model.Logger);
        byte[] text = LlamaNative.NullTerminated(grammar.Gbnf);
        byte[] root = LlamaNative.NullTerminated(grammar.Root);
        nint sampler;
        fixed (byte* g = text)
        fixed (byte* r = root)
        {
            if (!grammar.Lazy)
            {
                sampler = LlamaNative.llama_sampler_init_grammar(model.VocabHandle, g, r);
            }
            else
            {
                IReadOnlyList<string> patterns = grammar.TriggerPatterns ?? [];
                ValidatePatterns(patterns);
                int[] tokens = [.. grammar.TriggerTokens ?? []];
                byte[][] patternBytes = [.. patterns.Select(LlamaNative.NullTerminated)];
                var pins = new System.Runtime.InteropServices.GCHandle[patternBytes.Length];
                nint* pointers = stackalloc nint[Math.Max(1, patternBytes.Length)];
                try
                {
                    for (int i = 0; i < patternBytes.Length; i++)
                    {
                        pins[i] = System.Runtime.InteropServices.GCHandle.Alloc(patternBytes[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                        pointers[i] = pins[i].AddrOfPinnedObject();
                    }

                    fixed (int* t = tokens)
                    {
                        sampler = LlamaNative.llama_sampler_init_grammar_lazy_patterns(
                            model.VocabHandle, g, r, (byte**)pointers, (nuint)patternBytes.Length, t, (nuint)tokens.Length);
                    }
                }
                finally
                {
                    foreach (System.Runtime.InteropServices.GCHandle pin in pins)
                    {
                        if (pin.IsAllocated)
                        {
                            pin.Free();
                        }
                    }
                }
            }
        }

        if (sampler == 0)
        {
            throw new LlamaCppException("llama.cpp rejected the grammar (it does not parse, or a trigger pattern is invalid).", [.. scope.Lines], null);
        }

        LlamaNative.llama_sampler_chain_add(chain.DangerousGetHandle(), sampler);
    }

    // llama.cpp compiles trigger patterns with std::regex outside any try/catch: an invalid one throws through the C API
    // and aborts the process. .NET's ECMAScript mode is close to std::regex's default grammar, so check here first.
    private static void ValidatePatterns(IReadOnlyList<string> patterns)
    {
        foreach (string pattern in patterns)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.ECMAScript);
            }
            catch (ArgumentException ex)
            {
                throw new LlamaCppException($"The grammar trigger pattern '{pattern}' is not a valid ECMAScript regular expression: {ex.Message}", ex);
            }
        }
    }
}
