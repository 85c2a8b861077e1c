using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, every adapter: prompt and generation tokens/s through ToolLoop's chat client next to an
/// <see cref="INativeLoop"/>, a tight loop over the same native calls with no chat-client layer, on a runtime's tiny
/// scripted models (the native work is tiny, so the client's own cost shows fully). Prompt: two ~2,000-token
/// conversations that differ from their first word, alternated, so each request evaluates nearly its whole prompt, with
/// one output token. Generation: the same short conversation every time (the cache holds it) and a 40-token scripted
/// reply. First token, new client: a client created on the loaded model for one request of one token (a cold client in
/// a warm process). A derived class loads one runtime's models and makes its clients and loops.
/// </summary>
/// <remarks>
/// Both sides tokenize every request: the baseline tokenizes the rendered prompt's text in one native call, the client
/// tokenizes its rendered segments (framing and literal data; the setup checks the token counts match). The client also
/// renders the chat template, which the baseline cannot do without a template engine: the <c>Render…</c> cases measure
/// that part alone (one render of the same conversation with the client's template), so it is shown, not hidden.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class AdapterBenchmarkBase
{
    /// <summary>The generation requests' token limit (above the 40-token reply, so the reply ends by itself).</summary>
    protected const int GenerationMaxTokens = 64;

    private readonly StringBuilder _text = new();
    private IChatClient _promptClient = null!;
    private IChatClient _generationClient = null!;
    private INativeLoop _promptNative = null!;
    private INativeLoop _generationNative = null!;
    private ChatTemplateRenderer _promptRenderer = null!;
    private ChatTemplateRenderer _generationRenderer = null!;
    private string[] _promptTexts = null!;
    private string _generationText = null!;
    private int _nextClient;
    private int _nextNative;
    private int _nextRender;

    /// <summary>Gets the two prompt-case conversations, alternated.</summary>
    protected List<ChatMessage>[] PromptConversations { get; } =
    [
        [new(ChatRole.System, "Alpha: you answer briefly."), new(ChatRole.User, Inputs.SyntheticText.Prose(2000, seed: 7))],
        [new(ChatRole.System, "Beta: you answer briefly."), new(ChatRole.User, Inputs.SyntheticText.Prose(2000, seed: 7))],
    ];

    /// <summary>Gets the generation-case conversation.</summary>
    protected List<ChatMessage> GenerationConversation { get; } = [new(ChatRole.System, "You are a tiny model."), new(ChatRole.User, "Say your long line.")];

    /// <summary>Gets the prompt case's options: one output token.</summary>
    protected ChatOptions PromptOptions { get; } = new() { MaxOutputTokens = 1 };

    /// <summary>Gets the generation case's options.</summary>
    protected ChatOptions GenerationOptions { get; } = new() { MaxOutputTokens = GenerationMaxTokens };

    /// <summary>Gets the first-token case's options: one output token.</summary>
    protected ChatOptions FirstTokenOptions { get; } = new() { MaxOutputTokens = 1 };

    /// <summary>Gets the rendered text of each prompt-case conversation (what the baseline tokenizes).</summary>
    protected IReadOnlyList<string> PromptTexts => _promptTexts;

    /// <summary>Gets the rendered text of the generation-case conversation.</summary>
    protected string GenerationText => _generationText;

    /// <summary>Gets the generation model's scripted reply as the raw token pieces give it (the client's answer is it without leading white space).</summary>
    protected abstract string ExpectedReply { get; }

    /// <summary>Gets the generation model's first piece, raw.</summary>
    protected abstract string ExpectedFirstPiece { get; }

    /// <summary>Loads the models, builds the clients and baselines, checks they do the same work, and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Load();
        _promptClient = NewPromptClient();
        _promptNative = NewPromptNative();
        _promptRenderer = AdapterClients.Renderer(_promptClient);
        _promptTexts = [.. PromptConversations.Select(c => _promptRenderer.Render(c).Text)];
        _generationClient = NewGenerationClient();
        _generationNative = NewGenerationNative();
        _generationRenderer = AdapterClients.Renderer(_generationClient);
        _generationText = _generationRenderer.Render(GenerationConversation).Text;

        // Two rounds each, so the figures are the steady state (the cache holds the other conversation / the same one).
        for (int i = 0; i < 2; i++)
        {
            ClientPrompt().GetAwaiter().GetResult();
            ClientPrompt().GetAwaiter().GetResult();
            NativePrompt();
            NativePrompt();
            ClientGeneration().GetAwaiter().GetResult();
            ClientGenerationStreaming().GetAwaiter().GetResult();
            NativeGeneration();
            ClientFirstToken().GetAwaiter().GetResult();
            NativeFirstToken();
            WarmUpPeers();
        }

        // One more of each, both going from the same conversation to the other, so their evaluated counts must match.
        ClientPrompt().GetAwaiter().GetResult();
        ClientTokens prompt = AdapterClients.Tokens(_promptClient);
        int[] last = _promptNative.Tokenize(_promptTexts[(_nextClient - 1) & 1]);
        int nativeDecoded = _promptNative.Prefill(_promptNative.Tokenize(_promptTexts[_nextNative++ & 1]));
        _promptNative.Generate(1, _text.Clear());
        if (prompt.PromptTokens != last.Length || prompt.PromptTokensDecoded != nativeDecoded)
        {
            throw new InvalidOperationException($"The client's prompt has {prompt.PromptTokens} tokens ({prompt.PromptTokensDecoded} evaluated), the baseline's {last.Length} ({nativeDecoded} evaluated): they do not do the same work.");
        }

        var reply = ClientGeneration().GetAwaiter().GetResult();
        ClientTokens generation = AdapterClients.Tokens(_generationClient);
        int nativeGenerated = NativeGeneration();
        if (generation.PromptTokens != _generationNative.Tokenize(_generationText).Length)
        {
            throw new InvalidOperationException($"The client's generation prompt has {generation.PromptTokens} tokens, the baseline's {_generationNative.Tokenize(_generationText).Length}.");
        }

        // The client's answer starts at the first word (a reply's leading space is not content); the baseline keeps the raw pieces.
        if (reply.Text != ExpectedReply.TrimStart() || generation.OutputTokens != nativeGenerated || _text.ToString() != ExpectedReply)
        {
            throw new InvalidOperationException($"Generation differs: client '{reply.Text}' ({generation.OutputTokens} tokens), baseline '{_text}' ({nativeGenerated} tokens); expected '{ExpectedReply}'.");
        }

        string clientFirst = ClientFirstToken().GetAwaiter().GetResult().Text;
        NativeFirstToken();
        if (clientFirst != ExpectedFirstPiece.TrimStart() || _text.ToString() != ExpectedFirstPiece)
        {
            throw new InvalidOperationException($"A new client's first token differs: client '{clientFirst}', baseline '{_text}'; expected '{ExpectedFirstPiece}'.");
        }

        VerifyPeers();
        Type type = BenchmarkType;
        RecordedFigures.Set(type, "promptTokensDecoded", prompt.PromptTokensDecoded);
        RecordedFigures.Set(type, "promptTokens", prompt.PromptTokens);
        RecordedFigures.Set(type, "nativePromptTokensDecoded", nativeDecoded);
        RecordedFigures.Set(type, "outputTokens", generation.OutputTokens);
    }

    /// <summary>Baseline: the native loop tokenizes the prompt, evaluates it after its common prefix and samples one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public int NativePrompt()
    {
        int decoded = _promptNative.Prefill(_promptNative.Tokenize(_promptTexts[_nextNative++ & 1]));
        return decoded + _promptNative.Generate(1, _text.Clear());
    }

    /// <summary>The client: render, tokenize (framing and literal data), reuse the cache, evaluate, sample one token, parse, answer.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public Task<ChatResponse> ClientPrompt() => _promptClient.GetResponseAsync(PromptConversations[_nextClient++ & 1], PromptOptions);

    /// <summary>The part of <see cref="ClientPrompt"/> the baseline does not do: one render of a prompt conversation with the client's template.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    public int RenderPrompt() => _promptRenderer.Render(PromptConversations[_nextRender++ & 1]).Text.Length;

    /// <summary>Baseline: tokenize the held prompt, re-feed its last token, then generate the 40-token reply.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public int NativeGeneration()
    {
        _generationNative.Prefill(_generationNative.Tokenize(_generationText));
        return _generationNative.Generate(GenerationMaxTokens, _text.Clear());
    }

    /// <summary>The client, non-streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<ChatResponse> ClientGeneration() => _generationClient.GetResponseAsync(GenerationConversation, GenerationOptions);

    /// <summary>The client, streaming (one update per token).</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<int> ClientGenerationStreaming() => ChatClients.LoopBenchmarkBase.Drain(_generationClient.GetStreamingResponseAsync(GenerationConversation, GenerationOptions));

    /// <summary>The part of <see cref="ClientGeneration"/> the baseline does not do: one render of the conversation.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    public int RenderGeneration() => _generationRenderer.Render(GenerationConversation).Text.Length;

    /// <summary>Baseline for a new client: a new native loop (context or generator, sampler) on the loaded model, the short prompt, one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("first token, new client")]
    public int NativeFirstToken()
    {
        using INativeLoop native = NewGenerationNative();
        native.Prefill(native.Tokenize(_generationText));
        return native.Generate(1, _text.Clear());
    }

    /// <summary>The client created on the loaded model (its context, template and tokenizer set up), its first request, one token.</summary>
    [Benchmark]
    [BenchmarkCategory("first token, new client")]
    public async Task<ChatResponse> ClientFirstToken()
    {
        using IChatClient client = NewGenerationClient();
        return await client.GetResponseAsync(GenerationConversation, FirstTokenOptions);
    }

    /// <summary>Frees the clients and baselines, then the models.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupPeers();
        _promptClient.Dispose();
        _generationClient.Dispose();
        _promptNative.Dispose();
        _generationNative.Dispose();
        Unload();
    }

    /// <summary>Loads the runtime and the prompt and generation models.</summary>
    protected abstract void Load();

    /// <summary>Creates a client on the prompt model.</summary>
    protected abstract IChatClient NewPromptClient();

    /// <summary>Creates a client on the generation model.</summary>
    protected abstract IChatClient NewGenerationClient();

    /// <summary>Creates the baseline on the prompt model.</summary>
    private protected abstract INativeLoop NewPromptNative();

    /// <summary>Creates the baseline on the generation model.</summary>
    private protected abstract INativeLoop NewGenerationNative();

    /// <summary>Frees the models (after every client and loop on them).</summary>
    protected abstract void Unload();

    /// <summary>Runs a derived class's own cases once (the setup calls it twice, with the shared cases).</summary>
    protected virtual void WarmUpPeers()
    {
    }

    /// <summary>Checks a derived class's own cases do the same work (after the shared checks).</summary>
    protected virtual void VerifyPeers()
    {
    }

    /// <summary>Frees a derived class's own clients (before the shared ones).</summary>
    protected virtual void CleanupPeers()
    {
    }

    /// <summary>Gets the benchmark class (BenchmarkDotNet may run a class it derives from it): figures are recorded under it.</summary>
    protected Type BenchmarkType
    {
        get
        {
            Type type = GetType();
            while (type.BaseType != typeof(AdapterBenchmarkBase))
            {
                type = type.BaseType!;
            }

            return type;
        }
    }
}
