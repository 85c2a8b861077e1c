using LLama.Native;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>A request's sampler chain on a <see cref="LlamaSession"/>; sampling also advances the chain's state (a grammar's position).</summary>
internal sealed class LlamaTokenSampler : ITokenSampler
{
    private readonly LlamaSession _session;

    public LlamaTokenSampler(LlamaSession session, SafeLLamaSamplerChainHandle chain)
    {
        _session = session;
        Chain = chain;
    }

    public SafeLLamaSamplerChainHandle Chain { get; }

    public int Next(CancellationToken cancellationToken) => _session.Sample(Chain);

    public void Dispose() => Chain.Dispose();

    /// <summary>Each sampler of the chain: llama.cpp's name and seed (<see cref="uint.MaxValue"/> for samplers without one).</summary>
    public (string Name, uint Seed)[] Describe()
    {
        var result = new (string, uint)[Chain.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (Chain.GetName(i), Chain.GetSeed(i));
        }

        return result;
    }
}
