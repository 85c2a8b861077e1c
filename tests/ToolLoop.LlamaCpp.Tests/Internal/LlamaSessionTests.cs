using System.Text;
using ToolLoop.LlamaCpp.Internal;
using LLama.Native;
using ToolLoop.LocalModels;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.Internal;

/// <summary>The low-level engine on the real runtime: tokenize → decode → sample → detokenize.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class LlamaSessionTests
{
    private const string PlainPrompt = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    private const string ToolsPrompt = "<|im_start|>system\n<tools>[]</tools><|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n";

    private static readonly GenerationSettings Greedy = new(null, null, null, null, null, null);

    private static LlamaSession NewSession(LlamaModel model) => new(model, new LlamaSessionOptions(512, 64, 1, 1));

    [Fact]
    public void Greedy_generation_replays_the_plain_script()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using LlamaSession session = NewSession(model);

        (string text, int eog) = Generate(session, PlainPrompt, out _);

        Assert.Equal("Hello from the tiny scripted model.", text);
        Assert.Equal(TinyScriptedModel.ImEnd, eog);
    }

    [Fact]
    public void A_prompt_longer_than_the_batch_is_decoded_in_several_calls()
    {
        using var session = new LlamaSession(LlamaTestEnvironment.ReferenceModel, new LlamaSessionOptions(512, 8, 1, 1));

        (string text, _) = Generate(session, PlainPrompt, out _);

        Assert.Equal(8, session.BatchSize);
        Assert.True(session.CachedTokens.Count > 40);
        Assert.Equal("Hello from the tiny scripted model.", text);
    }

    [Fact]
    public void Tools_marker_switches_to_the_tool_call_script()
    {
        using LlamaSession session = NewSession(LlamaTestEnvironment.ReferenceModel);

        (string text, _) = Generate(session, ToolsPrompt, out _);

        Assert.Equal("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", text);
    }

    [Fact]
    public void Framing_is_tokenized_with_special_parsing_and_text_without()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;

        int[] special = model.Tokenize("<|im_end|>", addSpecial: false, parseSpecial: true);
        int[] text = model.Tokenize("<|im_end|>", addSpecial: false, parseSpecial: false);

        Assert.Equal([TinyScriptedModel.ImEnd], special);
        Assert.True(text.Length > 1);
        Assert.DoesNotContain(TinyScriptedModel.ImEnd, text);
    }

    [Fact]
    public void A_prompt_extending_the_cached_one_decodes_only_the_new_tokens()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using LlamaSession session = NewSession(model);
        int[] first = model.Tokenize(PlainPrompt, false, true);
        int[] second = model.Tokenize(PlainPrompt + "Hello<|im_end|>\n<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n", false, true);

        int reused1 = Load(session, first, CancellationToken.None);
        long afterFirst = session.TotalTokensDecoded;
        int reused2 = Load(session, second, CancellationToken.None);

        Assert.Equal(0, reused1);
        Assert.Equal(first.Length, afterFirst);
        Assert.Equal(first.Length, reused2);
        Assert.Equal(second.Length - first.Length, session.TotalTokensDecoded - afterFirst);
        Assert.Equal(second, session.CachedTokens);
    }

    [Fact]
    public void A_diverging_prompt_trims_the_cache_to_the_common_prefix()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using LlamaSession session = NewSession(model);
        int[] first = model.Tokenize(PlainPrompt, false, true);
        int[] other = model.Tokenize(ToolsPrompt, false, true);
        int common = 0;
        while (first[common] == other[common])
        {
            common++;
        }

        Load(session, first, CancellationToken.None);
        long before = session.TotalTokensDecoded;
        int reused = Load(session, other, CancellationToken.None);

        Assert.Equal(common, reused);
        Assert.Equal(other.Length - common, session.TotalTokensDecoded - before);
        Assert.Equal(other, session.CachedTokens);

        // The trimmed cache must still produce the right continuation.
        using SafeLLamaSamplerChainHandle sampler = SamplerFactory.Create(session.Model, Greedy);
        Assert.Equal("<tool_call>", model.TokenText(session.Sample(sampler)));
    }

    [Fact]
    public void The_same_prompt_again_redecodes_only_its_last_token()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using LlamaSession session = NewSession(model);
        int[] prompt = model.Tokenize(PlainPrompt, false, true);

        Load(session, prompt, CancellationToken.None);
        long before = session.TotalTokensDecoded;
        int reused = Load(session, prompt, CancellationToken.None);

        Assert.Equal(prompt.Length - 1, reused);
        Assert.Equal(1, session.TotalTokensDecoded - before);
    }

    [Fact]
    public void A_cancelled_token_aborts_llama_decode_through_the_abort_callback()
    {
        LlamaModel model = LlamaTestEnvironment.ReferenceModel;
        using LlamaSession session = NewSession(model);
        int[] prompt = model.Tokenize(PlainPrompt, false, true);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var error = Assert.Throws<OperationCanceledException>(() => Load(session, prompt, cts.Token));

        Assert.Contains("abort callback", error.Message, StringComparison.Ordinal);
        Assert.Equal(cts.Token, error.CancellationToken);

        // The mirror was resynchronised with the KV cache, so the session still works.
        Load(session, prompt, CancellationToken.None);
        Assert.Equal(prompt, session.CachedTokens);
        using SafeLLamaSamplerChainHandle sampler = SamplerFactory.Create(session.Model, Greedy);
        Assert.Equal("Hello", model.TokenText(session.Sample(sampler)));
    }

    /// <summary>Loads a prompt the way a request does (longest-common-prefix reuse); returns the tokens reused.</summary>
    private static int Load(LlamaSession session, int[] prompt, CancellationToken cancellationToken)
    {
        using var run = new GenerationRun(new LlamaLocalModel(session.Model), session, Greedy);
        run.Prefill(prompt, (n, c) => new LlamaCppException($"{n} > {c}"), cancellationToken);
        return run.PromptTokensReused;
    }

    private static (string Text, int Eog) Generate(LlamaSession session, string prompt, out int outputTokens)
    {
        LlamaModel model = session.Model;
        int[] tokens = model.Tokenize(prompt, addSpecial: false, parseSpecial: true);
        Load(session, tokens, CancellationToken.None);
        using SafeLLamaSamplerChainHandle sampler = SamplerFactory.Create(session.Model, Greedy);
        var decoder = new Utf8StreamDecoder();
        var text = new StringBuilder();
        byte[] buffer = new byte[32];
        outputTokens = 0;
        for (int i = 0; i < 64; i++)
        {
            int token = session.Sample(sampler);
            if (model.IsEndOfGeneration(token))
            {
                return (text.Append(decoder.Flush()).ToString(), token);
            }

            outputTokens++;
            int n = model.TokenToPiece(token, ref buffer, special: true);
            text.Append(decoder.Append(buffer.AsSpan(0, n)));
            session.Accept(token, CancellationToken.None);
        }

        throw new InvalidOperationException("No end-of-generation token within 64 tokens: " + text);
    }
}
