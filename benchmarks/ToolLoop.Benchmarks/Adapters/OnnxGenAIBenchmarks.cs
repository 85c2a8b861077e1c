using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Onnx;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// Area 6, ONNX Runtime GenAI: <see cref="AdapterBenchmarkBase"/>'s cases through ToolLoop's
/// <see cref="OnnxGenAIChatClient"/> next to <see cref="GenAINativeLoop"/> (the baseline: the adapter's own overhead),
/// and next to Microsoft's <see cref="OnnxRuntimeGenAIChatClient"/> (the client a user would pick instead), on the ONNX
/// tests' tiny scripted model.
/// </summary>
/// <remarks>
/// Microsoft's client keeps no cache across requests (its <c>EnableCaching</c> expects only new messages, not the
/// resent history a chat client gets), so each of its requests evaluates its whole prompt: in generation that is the
/// short conversation's ~30 tokens on top of the reply. At the end of sequence it decodes the last token again, so its
/// text ends with the last piece twice (runtimes.md, B.5); the setup checks it otherwise gives the same reply.
/// </remarks>
public class OnnxGenAIBenchmarks : AdapterBenchmarkBase
{
    private string _promptFolder = null!;
    private string _generationFolder = null!;
    private Model _promptModel = null!;
    private Model _generationModel = null!;
    private OnnxRuntimeGenAIChatClient _promptMicrosoft = null!;
    private OnnxRuntimeGenAIChatClient _generationMicrosoft = null!;
    private int _contextSize;
    private int _nextMicrosoft;

    /// <inheritdoc/>
    protected override string ExpectedReply => OnnxTinyModels.Generation.PlainText;

    /// <inheritdoc/>
    protected override string ExpectedFirstPiece => Encoding.UTF8.GetString(OnnxTinyModels.Generation.Plain[0].Utf8);

    /// <summary>Microsoft's client: a new generator per request, so it evaluates the whole prompt.</summary>
    [Benchmark]
    [BenchmarkCategory("prompt")]
    [PerUnit("token", "microsoftPromptTokensDecoded")]
    public Task<ChatResponse> MicrosoftPrompt() => _promptMicrosoft.GetResponseAsync(PromptConversations[_nextMicrosoft++ & 1], PromptOptions);

    /// <summary>Microsoft's client, non-streaming (its prompt evaluated anew every request).</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<ChatResponse> MicrosoftGeneration() => _generationMicrosoft.GetResponseAsync(GenerationConversation, GenerationOptions);

    /// <summary>Microsoft's client, streaming.</summary>
    [Benchmark]
    [BenchmarkCategory("generation")]
    [PerUnit("token", "outputTokens")]
    public Task<int> MicrosoftGenerationStreaming() => ChatClients.LoopBenchmarkBase.Drain(_generationMicrosoft.GetStreamingResponseAsync(GenerationConversation, GenerationOptions));

    /// <summary>Microsoft's client created on the loaded model, its first request, one token.</summary>
    [Benchmark]
    [BenchmarkCategory("first token, new client")]
    public async Task<ChatResponse> MicrosoftFirstToken()
    {
        using var client = new OnnxRuntimeGenAIChatClient(_generationModel, ownsModel: false);
        return await client.GetResponseAsync(GenerationConversation, FirstTokenOptions);
    }

    /// <inheritdoc/>
    protected override void Load()
    {
        OnnxTinyModels.StartGenAI();
        _promptFolder = OnnxTinyModels.Write(OnnxTinyModels.Prompt);
        _promptModel = new Model(_promptFolder);
        _generationFolder = OnnxTinyModels.Write(OnnxTinyModels.Generation);
        _generationModel = new Model(_generationFolder);
        _promptMicrosoft = new OnnxRuntimeGenAIChatClient(_promptModel, ownsModel: false);
        _generationMicrosoft = new OnnxRuntimeGenAIChatClient(_generationModel, ownsModel: false);
    }

    /// <inheritdoc/>
    protected override IChatClient NewPromptClient() => Remember(new OnnxGenAIChatClient(_promptModel, _promptFolder));

    /// <inheritdoc/>
    protected override IChatClient NewGenerationClient() => Remember(new OnnxGenAIChatClient(_generationModel, _generationFolder));

    /// <inheritdoc/>
    private protected override INativeLoop NewPromptNative() => new GenAINativeLoop(_promptModel, _contextSize);

    /// <inheritdoc/>
    private protected override INativeLoop NewGenerationNative() => new GenAINativeLoop(_generationModel, _contextSize);

    /// <inheritdoc/>
    protected override void WarmUpPeers()
    {
        MicrosoftPrompt().GetAwaiter().GetResult();
        MicrosoftGeneration().GetAwaiter().GetResult();
        MicrosoftGenerationStreaming().GetAwaiter().GetResult();
        MicrosoftFirstToken().GetAwaiter().GetResult();
    }

    /// <inheritdoc/>
    protected override void VerifyPeers()
    {
        // Microsoft's client renders with GenAI's own template engine from {role, content}: check it is the same prompt.
        using (var native = new GenAINativeLoop(_promptModel, _contextSize))
        {
            for (int i = 0; i < PromptConversations.Length; i++)
            {
                CheckSameRendering(native, PromptConversations[i], PromptTexts[i]);
            }
        }

        using (var native = new GenAINativeLoop(_generationModel, _contextSize))
        {
            CheckSameRendering(native, GenerationConversation, GenerationText);
        }

        // One output token: the first piece of the plain reply (Microsoft's may repeat it, see the remarks).
        string microsoftPromptReply = MicrosoftPrompt().GetAwaiter().GetResult().Text;
        string firstPiece = Encoding.UTF8.GetString(OnnxTinyModels.Prompt.Plain[0].Utf8);
        if (!microsoftPromptReply.StartsWith(firstPiece, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Microsoft's client replied '{microsoftPromptReply}' to the prompt case, not '{firstPiece}'.");
        }

        string microsoftReply = MicrosoftGeneration().GetAwaiter().GetResult().Text;
        if (!microsoftReply.StartsWith(ExpectedReply, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Microsoft's client replied '{microsoftReply}', not '{ExpectedReply}'.");
        }

        string microsoftFirst = MicrosoftFirstToken().GetAwaiter().GetResult().Text;
        if (!microsoftFirst.StartsWith(ExpectedFirstPiece, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Microsoft's new client's first token is '{microsoftFirst}', not '{ExpectedFirstPiece}'.");
        }

        // Microsoft's client evaluates each whole prompt (no cache across requests).
        using var tokenizer = new GenAINativeLoop(_promptModel, _contextSize);
        RecordedFigures.Set(BenchmarkType, "microsoftPromptTokensDecoded", tokenizer.Tokenize(PromptTexts[0]).Length);
    }

    /// <inheritdoc/>
    protected override void CleanupPeers()
    {
        _promptMicrosoft.Dispose();
        _generationMicrosoft.Dispose();
    }

    /// <inheritdoc/>
    protected override void Unload()
    {
        _promptModel.Dispose();
        _generationModel.Dispose();
        Directory.Delete(_promptFolder, recursive: true);
        Directory.Delete(_generationFolder, recursive: true);
    }

    private static void CheckSameRendering(GenAINativeLoop native, List<ChatMessage> conversation, string ours)
    {
        string theirs = native.ApplyChatTemplate(JsonSerializer.Serialize(conversation.Select(m => new { role = m.Role.Value, content = m.Text })));
        if (theirs != ours)
        {
            throw new InvalidOperationException("GenAI's template engine renders another prompt than ToolLoop's for Microsoft's client: the two clients would not do the same work.");
        }
    }

    // The baselines' generators get the clients' context size (max_length), so both hold the same cache.
    private OnnxGenAIChatClient Remember(OnnxGenAIChatClient client)
    {
        _contextSize = client.ContextSize;
        return client;
    }
}
