using ToolLoop.LlamaCpp.Interop;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>A request's sampler chain on a <see cref="LlamaSession"/>; sampling also advances the chain's state (a grammar's position).</summary>
internal sealed class LlamaTokenSampler : ITokenSampler
{
    private readonly LlamaSession _session;

    public LlamaTokenSampler(LlamaSession session, SafeLlamaSamplerHandle chain)
    {
        _session = session;
        Chain = chain;
    }

    public SafeLlamaSamplerHandle Chain { get; }

    public int Next(CancellationToken cancellationToken) => _session.Sample(Chain);

    public void Dispose() => Chain.Dispose();

    /// <summary>Each sampler of the chain: llama.cpp's name and seed (<see cref="uint.MaxValue"/> for samplers without one).</summary>
    public unsafe (string Name, uint Seed)[] Describe()
    {
        int n = NativeMethods.llama_sampler_chain_n(Chain);
        var result = new (string, uint)[n];
        for (int i = 0; i < n; i++)
        {
            nint sampler = NativeMethods.llama_sampler_chain_get(Chain, i);
            result[i] = (System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)NativeMethods.llama_sampler_name(sampler)) ?? string.Empty, NativeMethods.llama_sampler_get_seed(sampler));
        }

        return result;
    }
}
