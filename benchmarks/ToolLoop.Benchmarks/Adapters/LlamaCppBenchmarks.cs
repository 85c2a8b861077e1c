using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.LlamaCpp;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, llama.cpp: prompt and generation tokens/s through <see cref="LlamaCppChatClient"/> next to
/// <see cref="NativeLoop"/>, a tight loop over the same native calls with no chat-client layer, on the tests' tiny
/// scripted GGUF (one layer, 64 dimensions: the native work is tiny, so the client's own cost shows fully).
/// Prompt: two ~2,000-token conversations that differ from their first word, alternated, so each request decodes
/// nearly its whole prompt, with one output token. Generation: the same short conversation every time (the cache
/// holds it), and a 40-token scripted reply. First token, new client: a client created on the loaded model for one
/// request of one token (a cold client in a warm process).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LlamaCppBenchmarks
{
    private const int ContextSize = 4096;
    private const int BatchSize = 512;
    private readonly StringBuilder _text = new();
    private LLamaWeights _promptWeights = null!;
    private LLamaWeights _generationWeights = null!;
    private LlamaCppChatClient _promptClient = null!;
    private LlamaCppChatClient _generationClient = null!;
    private NativeLoop _promptNative = null!;
    private NativeLoop _generationNative = null!;
    private List<ChatMessage>[] _promptConversations = null!;
    private int[][] _promptTokens = null!;
    private List<ChatMessage> _generationConversation = null!;
    private int[] _generationTokens = null!;
    private ChatOptions _promptOptions = null!;
    private ChatOptions _generationOptions = null!;
    private ChatOptions _firstTokenOptions = null!;
    private LlamaCppChatClientOptions _clientOptions = null!;
    private int _threads;
    private int _nextClient;
    private int _nextNative;

    /// <summary>Loads both models, builds clients and baselines, checks they do the same work, and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        LlamaCppRuntime.Initialize();
        int threads = _threads = LlamaCppChatClientOptions.DefaultThreadCount;
        var clientOptions = _clientOptions = new LlamaCppChatClientOptions { ContextSize = ContextSize, BatchSize = BatchSize, ThreadCount = threads, BatchThreadCount = threads };

        _promptWeights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Prompt)));
        _promptClient = new LlamaCppChatClient(_promptWeights, clientOptions);
        _promptNative = new NativeLoop(_promptWeights.NativeHandle, ContextSize, BatchSize, threads);
        string question = Inputs.SyntheticText.Prose(2000, seed: 7);
        _promptConversations =
        [
            [new(ChatRole.System, "Alpha: you answer briefly."), new(ChatRole.User, question)],
            [new(ChatRole.System, "Beta: you answer briefly."), new(ChatRole.User, question)],
        ];
        _promptOptions = new ChatOptions { MaxOutputTokens = 1 };
        _promptTokens = [.. _promptConversations.Select(c => _promptNative.Tokenize(Render(_promptClient, c)))];

        _generationWeights = LLamaWeights.LoadFromFile(new ModelParams(TinyModels.Write(TinyModels.Generation)));
        _generationClient = new LlamaCppChatClient(_generationWeights, clientOptions);
        _generationNative = new NativeLoop(_generationWeights.NativeHandle, ContextSize, BatchSize, threads);
        _generationConversation = [new(ChatRole.System, "You are a tiny model."), new(ChatRole.User, "Say your long line.")];
        _generationOptions = new ChatOptions { MaxOutputTokens = 64 };
        _firstTokenOptions = new ChatOptions { MaxOutputTokens = 1 };
        _generationTokens = _generationNative.Tokenize(Render(_generationClient, _generationConversation));

        // Two rounds each, so the figures are the steady state (the cache holds the other conversation / the same one).
        for (int i = 0; i < 2; i++)
        {
            ClientPrompt().GetAwaiter().GetResult();
            ClientPrompt().GetAwaiter().GetResult();
            NativePrompt();
            NativePrompt();
            ClientGeneration().GetAwaiter().GetResult();
            NativeGeneration();
            ClientFirstToken().GetAwaiter().GetResult();
            NativeFirstToken();
        }

        var prompt = _promptClient.Statistics;
        int nativeDecoded = _promptNative.Prefill(_promptTokens[_nextNative++ & 1]);
        _promptNative.Generate(1, _text.Clear());
        if (prompt.PromptTokens != _promptTokens[0].Length && prompt.PromptTokens != _promptTokens[1].Length)
        {
            throw new InvalidOperationException($"The client's prompt has {prompt.PromptTokens} tokens, the baseline's {_promptTokens[0].Length}: they do not do the same work.");
        }

        var reply = ClientGeneration().GetAwaiter().GetResult();
        var generation = _generationClient.Statistics;
        int nativeGenerated = NativeGeneration();
        // The client's answer starts at the first word (the reply's leading space is not content); the baseline keeps the raw pieces.
        string expected = TinyModels.Generation.PlainText;
        if (reply.Text != expected.TrimStart() || generation.OutputTokens != nativeGenerated || _text.ToString() != expected)
        {
            throw new InvalidOperationException($"Generation differs: client '{reply.Text}' ({generation.OutputTokens} tokens), baseline '{_text}' ({nativeGenerated} tokens).");
        }

        string clientFirst = ClientFirstToken().GetAwaiter().GetResult().Text;
        NativeFirstToken();
        if (clientFirst != TinyModels.Generation.Plain[0].TrimStart() || _text.ToString() != TinyModels.Generation.Plain[0])
        {
            throw new InvalidOperationException($"A new client's first token differs: client '{clientFirst}', baseline '{_text}'; expected '{TinyModels.Generation.Plain[0]}'.");
        }

        RecordedFigures.Set(typeof(LlamaCppBenchmarks), "promptTokensDecoded", prompt.PromptTokensDecoded);
        RecordedFigures.Set(typeof(LlamaCppBenchmarks), "nativePromptTokensDecoded", nativeDecoded);
        RecordedFigures.Set(typeof(LlamaCppBenchmarks), "outputTokens", generation.OutputTokens);
    }

    /// <summary>Baseline: the native loop decodes the prompt after its common prefix and samples one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public int NativePrompt()
    {
        int decoded = _promptNative.Prefill(_promptTokens[_nextNative++ & 1]);
        return decoded + _promptNative.Generate(1, _text.Clear());
    }

    /// <summary>The client: render, tokenize, reuse the cache, decode, sample one token, parse, answer.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public Task<ChatResponse> ClientPrompt() => _promptClient.GetResponseAsync(_promptConversations[_nextClient++ & 1], _promptOptions);

    /// <summary>Baseline: re-feed the cached prompt's last token, then generate the 40-token reply.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public int NativeGeneration()
    {
        _generationNative.Prefill(_generationTokens);
        return _generationNative.Generate(64, _text.Clear());
    }

    /// <summary>The client, non-streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<ChatResponse> ClientGeneration() => _generationClient.GetResponseAsync(_generationConversation, _generationOptions);

    /// <summary>The client, streaming (one update per token).</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<int> ClientGenerationStreaming() => ChatClients.LoopBenchmarkBase.Drain(_generationClient.GetStreamingResponseAsync(_generationConversation, _generationOptions));

    /// <summary>Baseline for a new client: a new context and sampler on the loaded model, the short prompt, one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("first token, new client")]
    public int NativeFirstToken()
    {
        using var native = new NativeLoop(_generationWeights.NativeHandle, ContextSize, BatchSize, _threads);
        native.Prefill(_generationTokens);
        return native.Generate(1, _text.Clear());
    }

    /// <summary>The client created on the loaded model (its context, template and tokenizer set up), its first request, one token.</summary>
    [Benchmark]
    [BenchmarkCategory("first token, new client")]
    public async Task<ChatResponse> ClientFirstToken()
    {
        using var client = new LlamaCppChatClient(_generationWeights, _clientOptions);
        return await client.GetResponseAsync(_generationConversation, _firstTokenOptions);
    }

    /// <summary>Frees the clients, contexts and models.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _promptClient.Dispose();
        _generationClient.Dispose();
        _promptNative.Dispose();
        _generationNative.Dispose();
        _promptWeights.Dispose();
        _generationWeights.Dispose();
    }

    /// <summary>Renders a conversation the way the client does (its template and family), for the baseline's tokens.</summary>
    private static string Render(LlamaCppChatClient client, IEnumerable<ChatMessage> messages) =>
        new ChatTemplateRenderer(client.ChatTemplate is { } template ? ChatTemplate.Parse(template) : null, client.ToolCallFormat).Render(messages).Text;
}
