using System.Text;
using LLama.Native;
using ToolLoop.LlamaCpp.Internal;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// llama.cpp's own grammar engine as a recognizer: a grammar sampler alone in a chain, fed a text one byte token at a
/// time. A byte is accepted when the sampler leaves its logit finite; the text is complete when end-of-generation is
/// then allowed. Only allowed tokens are ever accepted, so the engine cannot abort.
/// </summary>
internal static class LlamaGrammarEngine
{
    private static LlamaModel Model => LlamaTestEnvironment.ReferenceModel;

    /// <summary>Parses the grammar with llama.cpp; throws <see cref="LlamaCppException"/> when llama.cpp refuses it.</summary>
    public static void Parse(string gbnf, string root = "root")
    {
        using var chain = Chain(new SamplerGrammar(gbnf, root));
    }

    public static bool Accepts(string gbnf, string text, string root = "root") => Feed(new SamplerGrammar(gbnf, root), text, out _);

    /// <summary>Feeds <paramref name="text"/>; returns whether every byte and then the end were allowed, and how many bytes were.</summary>
    public static bool Feed(SamplerGrammar grammar, string text, out int allowedBytes)
    {
        using var chain = Chain(grammar);
        allowedBytes = 0;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var token = TinyScriptedModel.Byte0 + b;
            if (!Allowed(chain, token))
            {
                return false;
            }

            chain.Accept((LLamaToken)token);
            allowedBytes++;
        }

        return Allowed(chain, Model.EosToken);
    }

    private static SafeLLamaSamplerChainHandle Chain(SamplerGrammar grammar)
    {
        // The model first: loading it initializes LLamaSharp's natives, which any other native call needs before it.
        var model = Model;
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            SamplerFactory.AddGrammar(model, chain, grammar);
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    private static bool Allowed(SafeLLamaSamplerChainHandle chain, int token)
    {
        var data = new LLamaTokenData[] { new((LLamaToken)token, 0f, 0f) };
        var array = new LLamaTokenDataArray(data, false);
        using (LLamaTokenDataArrayNative.Create(array, out var native))
        {
            chain.Apply(ref native);
        }

        return !float.IsNegativeInfinity(data[0].Logit);
    }
}
