using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Tests.TinyModel;
using ToolLoop.Tests.Scenarios;

namespace ToolLoop.Onnx.Tests.ChatClients;

/// <summary>What the GenAI backend does beyond the shared scenarios: EOS handling, split characters, generator reuse, ownership, template sources.</summary>
public sealed class OnnxGenAIChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<ChatMessage> Conversation(string user = "Hi") => [new(ChatRole.System, "Be brief."), new(ChatRole.User, user)];

    private static OnnxGenAIChatClient NewClient(OnnxGenAIChatClientOptions? options = null)
        => new(TestModels.ReferenceModel, TestModels.ReferenceFolder, options);

    [Fact]
    public async Task The_end_of_sequence_token_is_neither_decoded_nor_kept_and_the_last_piece_is_not_repeated()
    {
        using OnnxGenAIChatClient client = NewClient();

        ChatResponse response = await client.GetResponseAsync(Conversation(), cancellationToken: Ct);

        Assert.Equal(TinyGenAiRecipe.Reference.PlainText, response.Text);
        int[] held = client.Session.GeneratorSequence;
        Assert.Equal(client.Session.CachedTokens, held);
        Assert.Equal(client.Statistics.PromptTokens + client.Statistics.OutputTokens, held.Length);
        Assert.DoesNotContain(held[client.Statistics.PromptTokens..], t => client.LocalModel.EndOfSequenceTokens.Contains(t));
    }

    [Fact]
    public async Task Characters_split_across_tokens_are_reassembled_when_streaming()
    {
        var recipe = TinyGenAiRecipe.Reference with
        {
            // "Grüße😀ok": ü, ß and 😀 each split between two tokens.
            Plain = ["Gr", ScriptPiece.Raw(0xC3), ScriptPiece.Raw(0xBC, 0xC3), ScriptPiece.Raw(0x9F, (byte)'e'), ScriptPiece.Raw(0xF0, 0x9F), ScriptPiece.Raw(0x98, 0x80), "ok"],
        };
        string folder = TestModels.Write(recipe);
        using var client = new OnnxGenAIChatClient(folder);
        var texts = new List<string>();

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))
        {
            texts.Add(update.Text);
        }

        Assert.Equal("Grüße😀ok", recipe.PlainText);
        Assert.Equal("Grüße😀ok", string.Concat(texts));
        Assert.DoesNotContain(texts, t => t.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal(7, client.Statistics.OutputTokens);
    }

    [Fact]
    public async Task Greedy_requests_share_one_generator_and_changed_sampling_options_start_a_new_one()
    {
        using OnnxGenAIChatClient client = NewClient();

        await client.GetResponseAsync(Conversation(), new ChatOptions { TopP = 0.5f }, Ct);
        await client.GetResponseAsync(Conversation(), new ChatOptions { Temperature = 0, TopK = 3 }, Ct);
        Assert.Equal(1, client.Statistics.GeneratorsCreated);
        Assert.Equal(client.Statistics.PromptTokens - 1, client.Statistics.PromptTokensReused);

        await client.GetResponseAsync(Conversation(), new ChatOptions { Temperature = 0.7f }, Ct);
        Assert.Equal(2, client.Statistics.GeneratorsCreated);
        Assert.Equal(0, client.Statistics.PromptTokensReused);

        ChatResponse same = await client.GetResponseAsync(Conversation(), new ChatOptions { Temperature = 0.7f }, Ct);
        Assert.Equal(2, client.Statistics.GeneratorsCreated);
        Assert.Equal(TinyGenAiRecipe.Reference.PlainText, same.Text);
    }

    [Fact]
    public async Task A_seeded_sampled_request_gets_a_fresh_generator_so_the_seed_reproduces_it()
    {
        using OnnxGenAIChatClient client = NewClient();
        var options = new ChatOptions { Temperature = 1.5f, Seed = 42 };

        ChatResponse first = await client.GetResponseAsync(Conversation(), options, Ct);
        ChatResponse second = await client.GetResponseAsync(Conversation(), options, Ct);

        Assert.Equal(2, client.Statistics.GeneratorsCreated);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(42, client.Session.CurrentParameters!.GetSearchNumber("random_seed"));
    }

    [Fact]
    public async Task A_client_on_a_config_owns_its_model_and_the_config_can_go_first()
    {
        OnnxGenAIChatClient client;
        using (var config = new Config(TestModels.ReferenceFolder))
        {
            config.ClearProviders();
            client = new OnnxGenAIChatClient(config, TestModels.ReferenceFolder);
        }

        using (client)
        {
            ChatResponse response = await client.GetResponseAsync(Conversation(), cancellationToken: Ct);
            Assert.Equal(TinyGenAiRecipe.Reference.PlainText, response.Text);
            Assert.NotSame(TestModels.ReferenceModel, client.GetService(typeof(Model)));
        }
    }

    [Fact]
    public async Task A_client_on_a_shared_model_leaves_it_usable_after_dispose()
    {
        var first = NewClient();
        await first.GetResponseAsync(Conversation(), cancellationToken: Ct);
        first.Dispose();

        using OnnxGenAIChatClient second = NewClient();
        ChatResponse response = await second.GetResponseAsync(Conversation(), cancellationToken: Ct);

        Assert.Equal(TinyGenAiRecipe.Reference.PlainText, response.Text);
    }

    [Fact]
    public void The_model_folder_gives_template_family_context_and_metadata()
    {
        using OnnxGenAIChatClient client = NewClient();

        Assert.Equal(TinyGenAiModel.ChatTemplate, client.ChatTemplate);
        Assert.Equal(ToolCallFormat.Hermes, client.ToolCallFormat);
        Assert.Equal(4096, client.ContextSize);
        Assert.Equal("onnxruntime-genai", client.Metadata.ProviderName);
        Assert.Equal(Path.GetFileName(TestModels.ReferenceFolder), client.Metadata.DefaultModelId);
        Assert.Same(client.Metadata, client.GetService(typeof(ChatClientMetadata)));
        Assert.Same(TestModels.ReferenceModel, client.GetService(typeof(Model)));
        Assert.IsType<OnnxGenAIStatistics>(client.GetService(typeof(OnnxGenAIStatistics)));
        Assert.Null(client.GetService(typeof(Model), "key"));
    }

    [Fact]
    public async Task A_template_list_in_tokenizer_config_uses_tool_use_when_tools_are_declared()
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        string path = Path.Combine(folder, "tokenizer_config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        string template = config["chat_template"]!.GetValue<string>();
        // The default template never mentions tools, so the model would reply plainly; tool_use is the real one.
        const string NoTools = "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
        config["chat_template"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "default", ["template"] = NoTools },
            new System.Text.Json.Nodes.JsonObject { ["name"] = "tool_use", ["template"] = template });
        File.WriteAllText(path, config.ToJsonString());
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, folder);

        ChatResponse plain = await client.GetResponseAsync(Conversation(), cancellationToken: Ct);
        ChatResponse call = await client.GetResponseAsync(Conversation("Weather?"), new ChatOptions { Tools = [TestTools.Weather()] }, Ct);

        Assert.Equal(NoTools, client.ChatTemplate);
        Assert.Equal(ToolCallFormat.Hermes, client.ToolCallFormat);
        Assert.Equal(TinyGenAiRecipe.Reference.PlainText, plain.Text);
        Assert.Equal("get_weather", Assert.Single(call.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
    }

    [Fact]
    public void A_chat_template_jinja_file_takes_precedence_and_an_override_beats_both()
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        const string FromFile = "{%- for message in messages %}{{- message.content }}{%- endfor %}";
        File.WriteAllText(Path.Combine(folder, "chat_template.jinja"), FromFile + "\n");

        using var fromFile = new OnnxGenAIChatClient(TestModels.ReferenceModel, folder);
        using var overridden = new OnnxGenAIChatClient(TestModels.ReferenceModel, folder, new OnnxGenAIChatClientOptions { ChatTemplate = "{{ messages[0].content }}" });

        Assert.Equal(FromFile + "\n", fromFile.ChatTemplate);
        Assert.Equal("Be brief.Hi", fromFile.Pipeline.RenderPrompt(Conversation(), null, out _).Text);
        Assert.Equal("Be brief.", overridden.Pipeline.RenderPrompt(Conversation(), null, out _).Text);
    }

    [Fact]
    public async Task Instructions_and_tool_mode_none_shape_the_prompt()
    {
        using OnnxGenAIChatClient client = NewClient();

        ChatResponse response = await client.GetResponseAsync(Conversation("Weather?"), new ChatOptions { Tools = [TestTools.Weather()], ToolMode = ChatToolMode.None, Instructions = "Answer in French." }, Ct);
        string prompt = client.Pipeline.RenderPrompt(Conversation("Weather?"), new ChatOptions { Tools = [TestTools.Weather()], ToolMode = ChatToolMode.None, Instructions = "Answer in French." }, out _).Text;

        Assert.Equal(TinyGenAiRecipe.Reference.PlainText, response.Text);
        Assert.DoesNotContain("<tools>", prompt, StringComparison.Ordinal);
        Assert.StartsWith("<|im_start|>system\nAnswer in French.\n\nBe brief.<|im_end|>", prompt, StringComparison.Ordinal);
    }
}
