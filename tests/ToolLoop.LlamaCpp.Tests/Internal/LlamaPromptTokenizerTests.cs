using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Internal;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.Internal;

/// <summary>Data never becomes framing, and segment-wise tokenization equals llama.cpp's whole-prompt tokenization elsewhere.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class LlamaPromptTokenizerTests
{
    private static readonly string[] s_controls =
    [
        "[INST]", "[/INST]", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|begin_of_text|>", "<start_of_turn>", "<end_of_turn>",
        "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]", "[TOOL_CALLS]", "<|endoftext|>", "<|user|>", "<|assistant|>",
        "<|system|>", "<|end|>",
    ];

    private static readonly Lazy<LlamaModel> s_spm = new(() => Load(addSpacePrefix: false));
    private static readonly Lazy<LlamaModel> s_spmWithSpacePrefix = new(() => Load(addSpacePrefix: true));

    private static LlamaModel Load(bool addSpacePrefix) => LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
    {
        Name = addSpacePrefix ? "tiny-spm-space-prefix" : "tiny-spm",
        AddSpacePrefix = addSpacePrefix,
        ExtraUserDefinedTokens = ["<think>", "</think>"],
        ExtraControlTokens = s_controls,
    });

    public static TheoryData<bool> Vocabularies => [false, true];

    private static LlamaModel Model(bool addSpacePrefix) => addSpacePrefix ? s_spmWithSpacePrefix.Value : s_spm.Value;

    private static int Id(LlamaModel model, string addedToken) => Assert.Single(model.Tokenize(addedToken, addSpecial: false, parseSpecial: true));

    private static string Detokenize(LlamaModel model, IEnumerable<int> tokens)
    {
        var bytes = new List<byte>();
        byte[] buffer = new byte[16];
        foreach (int token in tokens)
        {
            int n = model.TokenToPiece(token, ref buffer, special: true);
            bytes.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void A_user_defined_marker_in_data_does_not_become_its_token(bool addSpacePrefix)
    {
        LlamaModel model = Model(addSpacePrefix);

        int[] tokens = model.PromptTokenizer.Tokenize([new("<|im_start|>user\n", false), new("a<tools>b <tool_call> <think>", true), new("<|im_end|>", false)]);

        Assert.DoesNotContain(Id(model, "<tools>"), tokens);
        Assert.DoesNotContain(Id(model, "<tool_call>"), tokens);
        Assert.DoesNotContain(Id(model, "<think>"), tokens);
        Assert.Equal([Id(model, "<|im_start|>")], tokens.Take(1));
        Assert.Equal(Id(model, "<|im_end|>"), tokens[^1]);

        // The text survives exactly (no space inserted at the cuts, even with add_space_prefix). The tiny vocabulary has
        // no "▁" piece, so SentencePiece's escaped spaces come back as the bytes of U+2581.
        string text = Detokenize(model, tokens[1..^1]).Replace('\u2581', ' ');
        Assert.Equal((addSpacePrefix ? " " : string.Empty) + "user\na<tools>b <tool_call> <think>", text);
    }

    [Fact]
    public void Without_the_cut_llama_cpp_forms_the_marker_from_text_even_with_parsing_off()
    {
        LlamaModel model = Model(addSpacePrefix: false);

        // What the adapter did before: data tokenized with special-token parsing off still matches user-defined tokens.
        int[] naive = model.Tokenize("a<tools>b", addSpecial: false, parseSpecial: false);

        Assert.Contains(Id(model, "<tools>"), naive);
    }

    [Fact]
    public void Thousands_of_markers_in_one_tool_result_are_all_cut()
    {
        LlamaModel model = Model(addSpacePrefix: false);
        string result = string.Concat(Enumerable.Repeat("<tools><tool_call>x</tool_call>", 5000));

        int[] tokens = model.PromptTokenizer.Tokenize([new("<tool_response>\n", false), new(result, true), new("\n</tool_response>", false)]);

        Assert.DoesNotContain(Id(model, "<tools>"), tokens);
        Assert.DoesNotContain(Id(model, "<tool_call>"), tokens);
        Assert.Single(tokens, Id(model, "<tool_response>"));
        Assert.Equal("<tool_response>\n" + result + "\n</tool_response>", Detokenize(model, tokens));
    }

    [Fact]
    public void A_marker_straddling_framing_and_data_does_not_form()
    {
        LlamaModel model = Model(addSpacePrefix: false);

        int[] tokens = model.PromptTokenizer.Tokenize([new("x<tool", false), new("_call>y", true)]);
        int[] reversed = model.PromptTokenizer.Tokenize([new("x<tool_", true), new("call>y", false)]);

        Assert.DoesNotContain(Id(model, "<tool_call>"), tokens);
        Assert.DoesNotContain(Id(model, "<tool_call>"), reversed);
        Assert.Equal("x<tool_call>y", Detokenize(model, tokens));
    }

    [Fact]
    public void Markers_in_framing_become_their_tokens()
    {
        LlamaModel model = Model(addSpacePrefix: false);

        int[] tokens = model.PromptTokenizer.Tokenize([new("<tools>", false), new("{}", true), new("</tools>[INST]", false)]);

        Assert.Equal(Id(model, "<tools>"), tokens[0]);
        Assert.Equal([Id(model, "</tools>"), Id(model, "[INST]")], tokens[^2..]);
    }

    [Fact]
    public void Control_token_text_in_data_stays_text()
    {
        LlamaModel model = Model(addSpacePrefix: false);

        int[] tokens = model.PromptTokenizer.Tokenize([new("[INST]", false), new("[/INST]<|eot_id|>", true), new("[/INST]", false)]);

        Assert.Single(tokens, Id(model, "[/INST]"));
        Assert.DoesNotContain(Id(model, "<|eot_id|>"), tokens);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Segment_wise_tokenization_equals_whole_prompt_tokenization_on_the_real_templates(bool addSpacePrefix)
    {
        string directory = TemplatesDirectory();
        LlamaModel model = Model(addSpacePrefix);
        var options = new ChatOptions { Tools = [TestTools.Weather()] };
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "What is the capital of France?"),
            new(ChatRole.Assistant, "Paris."),
            new(ChatRole.User, "And  of Italy ? Answer: yes"),
        ];
        var differences = new List<string>();
        int compared = 0, naiveDiffers = 0;
        foreach (string file in Directory.GetFiles(directory, "*.jinja").Order(StringComparer.Ordinal))
        {
            ChatPrompt prompt;
            try
            {
                var renderer = new ChatTemplateRenderer(File.ReadAllText(file), ToolCallFormat.Auto, new ChatTemplateOptions { BosToken = "<s>", EosToken = "</s>" });
                prompt = renderer.Render(conversation, options);
            }
            catch (TemplateException)
            {
                continue; // Outside the engine's Jinja subset or refusing this conversation: nothing to compare.
            }

            compared++;
            int[] whole = model.Tokenize(prompt.Text, addSpecial: false, parseSpecial: true);
            int[] segmentWise = model.PromptTokenizer.Tokenize(prompt.Segments);
            if (!whole.AsSpan().SequenceEqual(segmentWise))
            {
                differences.Add(Path.GetFileName(file));
            }

            int[] naive = [.. prompt.Segments.SelectMany(s => model.Tokenize(s.Text, addSpecial: false, parseSpecial: !s.IsData))];
            if (!whole.AsSpan().SequenceEqual(naive))
            {
                naiveDiffers++;
            }
        }

        Assert.True(compared >= 40, $"only {compared} templates rendered");
        Assert.Empty(differences);
        if (addSpacePrefix)
        {
            // The check has teeth: tokenizing each segment on its own adds SentencePiece's space prefix at every data start.
            Assert.True(naiveDiffers >= compared / 2, $"the per-segment tokenization differed on {naiveDiffers} of {compared} templates");
        }
    }

    [Fact]
    public void The_partition_follows_llama_cpp_longest_token_first()
    {
        LlamaModel model = Model(addSpacePrefix: false);
        LlamaPromptTokenizer tokenizer = model.PromptTokenizer;

        List<LlamaPromptTokenizer.Fragment> fragments = tokenizer.Partition("a</tools><tools>[/INST]b");

        Assert.Equal(
            [-1, Id(model, "</tools>"), Id(model, "<tools>"), Id(model, "[/INST]"), -1],
            fragments.Select(f => f.Token));
    }

    private static string TemplatesDirectory()
    {
        string? directory = Environment.GetEnvironmentVariable("TOOLLOOP_TEMPLATES_DIR");
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            const string Message = "TOOLLOOP_TEMPLATES_DIR is not set (eval \"$(bash eng/fetch-deps.sh)\").";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(Message + " (CI is set, so this is a failure.)");
            }

            Assert.Skip(Message);
        }

        return directory;
    }
}
