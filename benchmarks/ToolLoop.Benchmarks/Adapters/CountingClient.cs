using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Forwards to a local model's chat client (the same one, or a new one per request) and adds up the tokens its
/// statistics say it decoded, for <see cref="KvReuseBenchmarkBase"/>.
/// </summary>
/// <param name="create">Creates the client (once, or for every request).</param>
/// <param name="freshPerRequest">Whether every request gets a new client (no reuse: it decodes its whole prompt).</param>
internal sealed class CountingClient(Func<IChatClient> create, bool freshPerRequest) : IChatClient
{
    private IChatClient? _client;

    public int Requests { get; private set; }

    public int Calls { get; private set; }

    public long Decoded { get; private set; }

    public int LastPromptTokens { get; private set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (freshPerRequest || _client is null)
        {
            _client?.Dispose();
            _client = create();
        }

        long before = AdapterClients.Tokens(_client).TotalTokensDecoded;
        var response = await _client.GetResponseAsync(messages, options, cancellationToken);
        Requests++;
        Calls += response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count();
        var after = AdapterClients.Tokens(_client);
        Decoded += after.TotalTokensDecoded - before;
        LastPromptTokens = after.PromptTokens;
        return response;
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The KV reuse benchmarks run the loop without streaming.");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _client?.Dispose();
}
