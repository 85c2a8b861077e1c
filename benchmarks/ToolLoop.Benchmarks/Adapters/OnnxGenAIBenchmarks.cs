using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Onnx;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, ONNX Runtime GenAI: prompt and generation tokens/s through ToolLoop's <see cref="OnnxGenAIChatClient"/>
/// next to <see cref="GenAINativeLoop"/>, a tight loop over the same GenAI calls with no chat-client layer (the
/// baseline: the adapter's own overhead), and next to Microsoft's <see cref="OnnxRuntimeGenAIChatClient"/> (the
/// client a user would pick instead), on the ONNX tests' tiny scripted model. The cases mirror
/// <see cref="LlamaCppBenchmarks"/>. Prompt: two ~2,000-token conversations that differ from their first word,
/// alternated, so each request evaluates nearly its whole prompt, with one output token. Generation: the same short
/// conversation every time and a 40-token scripted reply. First token, new client: a client created on the loaded model
/// for one request of one token (a cold client in a warm process).
/// </summary>
/// <remarks>
/// Microsoft's client keeps no cache across requests (its <c>EnableCaching</c> expects only new messages, not the
/// resent history a chat client gets), so each of its requests evaluates its whole prompt: in generation that is the
/// short conversation's ~30 tokens on top of the reply. At the end of sequence it decodes the last token again, so its
/// text ends with the last piece twice (runtimes.md, B.5); the setup checks it otherwise gives the same reply.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OnnxGenAIBenchmarks
{
    private readonly StringBuilder _text = new();
    private string _promptFolder = null!;
    private string _generationFolder = null!;
    private Model _promptModel = null!;
    private Model _generationModel = null!;
    private OnnxGenAIChatClient _promptClient = null!;
    private OnnxGenAIChatClient _generationClient = null!;
    private OnnxRuntimeGenAIChatClient _promptMicrosoft = null!;
    private OnnxRuntimeGenAIChatClient _generationMicrosoft = null!;
    private GenAINativeLoop _promptNative = null!;
    private GenAINativeLoop _generationNative = null!;
    private List<ChatMessage>[] _promptConversations = null!;
    private int[][] _promptTokens = null!;
    private List<ChatMessage> _generationConversation = null!;
    private int[] _generationTokens = null!;
    private ChatOptions _promptOptions = null!;
    private ChatOptions _generationOptions = null!;
    private ChatOptions _firstTokenOptions = null!;
    private int _nextClient;
    private int _nextMicrosoft;
    private int _nextNative;

    /// <summary>Loads both models, builds the clients and the baseline, checks they do the same work, and records the token counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        OnnxTinyModels.StartGenAI();
        _promptFolder = OnnxTinyModels.Write(OnnxTinyModels.Prompt);
        _promptModel = new Model(_promptFolder);
        _promptClient = new OnnxGenAIChatClient(_promptModel, _promptFolder);
        _promptMicrosoft = new OnnxRuntimeGenAIChatClient(_promptModel, ownsModel: false);
        _promptNative = new GenAINativeLoop(_promptModel, _promptClient.ContextSize);
        string question = Inputs.SyntheticText.Prose(2000, seed: 7);
        _promptConversations =
        [
            [new(ChatRole.System, "Alpha: you answer briefly."), new(ChatRole.User, question)],
            [new(ChatRole.System, "Beta: you answer briefly."), new(ChatRole.User, question)],
        ];
        _promptOptions = new ChatOptions { MaxOutputTokens = 1 };
        _promptTokens = [.. _promptConversations.Select(c => _promptNative.Tokenize(Render(_promptClient, c)))];

        _generationFolder = OnnxTinyModels.Write(OnnxTinyModels.Generation);
        _generationModel = new Model(_generationFolder);
        _generationClient = new OnnxGenAIChatClient(_generationModel, _generationFolder);
        _generationMicrosoft = new OnnxRuntimeGenAIChatClient(_generationModel, ownsModel: false);
        _generationNative = new GenAINativeLoop(_generationModel, _generationClient.ContextSize);
        _generationConversation = [new(ChatRole.System, "You are a tiny model."), new(ChatRole.User, "Say your long line.")];
        _generationOptions = new ChatOptions { MaxOutputTokens = 64 };
        _firstTokenOptions = new ChatOptions { MaxOutputTokens = 1 };
        _generationTokens = _generationNative.Tokenize(Render(_generationClient, _generationConversation));

        // Microsoft's client renders with GenAI's own template engine from {role, content}: check it is the same prompt.
        foreach (var conversation in _promptConversations.Append(_generationConversation))
        {
            var client = conversation == _generationConversation ? _generationClient : _promptClient;
            var native = conversation == _generationConversation ? _generationNative : _promptNative;
            string theirs = native.ApplyChatTemplate(JsonSerializer.Serialize(conversation.Select(m => new { role = m.Role.Value, content = m.Text })));
            if (theirs != Render(client, conversation))
            {
                throw new InvalidOperationException("GenAI's template engine renders another prompt than ToolLoop's for Microsoft's client: the two clients would not do the same work.");
            }
        }

        // Two rounds each, so the figures are the steady state (the cache holds the other conversation / the same one).
        for (int i = 0; i < 2; i++)
        {
            ClientPrompt().GetAwaiter().GetResult();
            ClientPrompt().GetAwaiter().GetResult();
            MicrosoftPrompt().GetAwaiter().GetResult();
            NativePrompt();
            NativePrompt();
            ClientGeneration().GetAwaiter().GetResult();
            ClientGenerationStreaming().GetAwaiter().GetResult();
            MicrosoftGeneration().GetAwaiter().GetResult();
            MicrosoftGenerationStreaming().GetAwaiter().GetResult();
            NativeGeneration();
            ClientFirstToken().GetAwaiter().GetResult();
            MicrosoftFirstToken().GetAwaiter().GetResult();
            NativeFirstToken();
        }

        // One more of each, both going from the same conversation to the other, so their evaluated counts must match.
        ClientPrompt().GetAwaiter().GetResult();
        var prompt = _promptClient.Statistics;
        int[] last = _promptTokens[(_nextClient - 1) & 1];
        int nativeDecoded = _promptNative.Prefill(_promptTokens[_nextNative++ & 1]);
        _promptNative.Generate(1, _text.Clear());
        if (prompt.PromptTokens != last.Length || prompt.PromptTokensDecoded != nativeDecoded)
        {
            throw new InvalidOperationException($"The client's prompt has {prompt.PromptTokens} tokens ({prompt.PromptTokensDecoded} evaluated), the baseline's {last.Length} ({nativeDecoded} evaluated): they do not do the same work.");
        }

        // One output token: the first piece of the plain reply (Microsoft's may repeat it, see the remarks).
        string microsoftPromptReply = MicrosoftPrompt().GetAwaiter().GetResult().Text;
        string firstPiece = Encoding.UTF8.GetString(OnnxTinyModels.Prompt.Plain[0].Utf8);
        if (!microsoftPromptReply.StartsWith(firstPiece, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Microsoft's client replied '{microsoftPromptReply}' to the prompt case, not '{firstPiece}'.");
        }

        var reply = ClientGeneration().GetAwaiter().GetResult();
        var generation = _generationClient.Statistics;
        int nativeGenerated = NativeGeneration();
        string microsoftReply = MicrosoftGeneration().GetAwaiter().GetResult().Text;
        string expected = OnnxTinyModels.Generation.PlainText;
        if (reply.Text != expected || generation.OutputTokens != nativeGenerated || _text.ToString() != expected)
        {
            throw new InvalidOperationException($"Generation differs: client '{reply.Text}' ({generation.OutputTokens} tokens), baseline '{_text}' ({nativeGenerated} tokens).");
        }

        if (!microsoftReply.StartsWith(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Microsoft's client replied '{microsoftReply}', not '{expected}'.");
        }

        string firstGenerated = Encoding.UTF8.GetString(OnnxTinyModels.Generation.Plain[0].Utf8);
        string clientFirst = ClientFirstToken().GetAwaiter().GetResult().Text;
        string microsoftFirst = MicrosoftFirstToken().GetAwaiter().GetResult().Text;
        NativeFirstToken();
        if (clientFirst != firstGenerated || !microsoftFirst.StartsWith(firstGenerated, StringComparison.Ordinal) || _text.ToString() != firstGenerated)
        {
            throw new InvalidOperationException($"A new client's first token differs: ToolLoop '{clientFirst}', Microsoft '{microsoftFirst}', baseline '{_text}'; expected '{firstGenerated}'.");
        }

        RecordedFigures.Set(typeof(OnnxGenAIBenchmarks), "promptTokensDecoded", prompt.PromptTokensDecoded);
        RecordedFigures.Set(typeof(OnnxGenAIBenchmarks), "microsoftPromptTokensDecoded", prompt.PromptTokens);
        RecordedFigures.Set(typeof(OnnxGenAIBenchmarks), "outputTokens", generation.OutputTokens);
    }

    /// <summary>Baseline: the native loop evaluates the prompt after its common prefix and generates one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public int NativePrompt()
    {
        int decoded = _promptNative.Prefill(_promptTokens[_nextNative++ & 1]);
        return decoded + _promptNative.Generate(1, _text.Clear());
    }

    /// <summary>ToolLoop's client: render, tokenize (framing and literal data), reuse the cache, evaluate, one token, parse, answer.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "promptTokensDecoded")]
    public Task<ChatResponse> ClientPrompt() => _promptClient.GetResponseAsync(_promptConversations[_nextClient++ & 1], _promptOptions);

    /// <summary>Microsoft's client: a new generator per request, so it evaluates the whole prompt.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "microsoftPromptTokensDecoded")]
    public Task<ChatResponse> MicrosoftPrompt() => _promptMicrosoft.GetResponseAsync(_promptConversations[_nextMicrosoft++ & 1], _promptOptions);

    /// <summary>Baseline: re-feed the held prompt's last token, then generate the 40-token reply.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public int NativeGeneration()
    {
        _generationNative.Prefill(_generationTokens);
        return _generationNative.Generate(64, _text.Clear());
    }

    /// <summary>ToolLoop's client, non-streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<ChatResponse> ClientGeneration() => _generationClient.GetResponseAsync(_generationConversation, _generationOptions);

    /// <summary>ToolLoop's client, streaming (one update per token).</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<int> ClientGenerationStreaming() => ChatClients.LoopBenchmarkBase.Drain(_generationClient.GetStreamingResponseAsync(_generationConversation, _generationOptions));

    /// <summary>Microsoft's client, non-streaming (its prompt evaluated anew every request).</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<ChatResponse> MicrosoftGeneration() => _generationMicrosoft.GetResponseAsync(_generationConversation, _generationOptions);

    /// <summary>Microsoft's client, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<int> MicrosoftGenerationStreaming() => ChatClients.LoopBenchmarkBase.Drain(_generationMicrosoft.GetStreamingResponseAsync(_generationConversation, _generationOptions));

    /// <summary>Baseline for a new client: a new generator and tokenizer on the loaded model, the short prompt, one token.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("first token, new client")]
    public int NativeFirstToken()
    {
        using var native = new GenAINativeLoop(_generationModel, _generationClient.ContextSize);
        native.Prefill(_generationTokens);
        return native.Generate(1, _text.Clear());
    }

    /// <summary>ToolLoop's client created on the loaded model (its folder's configuration read, its template parsed), its first request, one token.</summary>
    [Benchmark]
    [BenchmarkCategory("first token, new client")]
    public async Task<ChatResponse> ClientFirstToken()
    {
        using var client = new OnnxGenAIChatClient(_generationModel, _generationFolder);
        return await client.GetResponseAsync(_generationConversation, _firstTokenOptions);
    }

    /// <summary>Microsoft's client created on the loaded model, its first request, one token.</summary>
    [Benchmark]
    [BenchmarkCategory("first token, new client")]
    public async Task<ChatResponse> MicrosoftFirstToken()
    {
        using var client = new OnnxRuntimeGenAIChatClient(_generationModel, ownsModel: false);
        return await client.GetResponseAsync(_generationConversation, _firstTokenOptions);
    }

    /// <summary>Frees the clients and the baseline, then the models, then the model folders.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _promptClient.Dispose();
        _generationClient.Dispose();
        _promptMicrosoft.Dispose();
        _generationMicrosoft.Dispose();
        _promptNative.Dispose();
        _generationNative.Dispose();
        _promptModel.Dispose();
        _generationModel.Dispose();
        Directory.Delete(_promptFolder, recursive: true);
        Directory.Delete(_generationFolder, recursive: true);
    }

    /// <summary>Renders a conversation the way the client does (its template and family), for the baseline's tokens.</summary>
    private static string Render(OnnxGenAIChatClient client, IEnumerable<ChatMessage> messages) =>
        new ChatTemplateRenderer(client.ChatTemplate is { } template ? ChatTemplate.Parse(template) : null, client.ToolCallFormat).Render(messages).Text;
}
