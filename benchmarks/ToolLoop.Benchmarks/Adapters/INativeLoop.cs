using System.Text;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// A runtime's tight loop over the native calls its adapter makes, with no rendering, parsing or chat-client layer: the
/// baseline of <see cref="AdapterBenchmarkBase"/>. One cache, like one client.
/// </summary>
internal interface INativeLoop : IDisposable
{
    /// <summary>Tokenizes the rendered prompt's text in one native call, special tokens parsed (the prompts here have no data that looks like one).</summary>
    int[] Tokenize(string text);

    /// <summary>Evaluates <paramref name="prompt"/> after its common prefix with the cache (see <see cref="Reusable"/>); returns the tokens evaluated.</summary>
    int Prefill(int[] prompt);

    /// <summary>Generates greedily until an end-of-generation token or <paramref name="maxTokens"/>, appending each token's text; returns the tokens generated.</summary>
    int Generate(int maxTokens, StringBuilder text);

    /// <summary>
    /// The cached tokens a prompt keeps, as the adapters' pipeline counts them: the longest common prefix, less one when
    /// it is the whole prompt (the last token is evaluated again for fresh next-token logits).
    /// </summary>
    static int Reusable(ReadOnlySpan<int> cached, ReadOnlySpan<int> prompt)
    {
        int common = cached.CommonPrefixLength(prompt);
        return common == prompt.Length ? common - 1 : common;
    }
}
