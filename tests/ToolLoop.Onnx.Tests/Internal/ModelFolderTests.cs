using System.Text.Json.Nodes;
using ToolLoop.Onnx.Internal;
using ToolLoop.Onnx.Tests.TinyModel;

namespace ToolLoop.Onnx.Tests.Internal;

/// <summary>What the adapter reads from a model folder itself: context length, template sources, special tokens.</summary>
public sealed class ModelFolderTests
{
    private static string Folder(Action<JsonObject>? genai = null, Action<JsonObject>? tokenizer = null)
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        Edit(Path.Combine(folder, "genai_config.json"), genai);
        Edit(Path.Combine(folder, "tokenizer_config.json"), tokenizer);
        return folder;
    }

    private static void Edit(string path, Action<JsonObject>? edit)
    {
        if (edit is null)
        {
            return;
        }

        JsonObject json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void The_reference_folder_reads_as_written()
    {
        ModelFolder folder = ModelFolder.Read(TestModels.ReferenceFolder);

        Assert.Equal(4096, folder.ContextLength);
        Assert.Equal(4096, folder.TrainedContextLength);
        Assert.Equal(TinyGenAiModel.ChatTemplate, folder.ChatTemplate);
        Assert.Null(folder.ToolUseChatTemplate);
        Assert.Null(folder.BosToken);
        Assert.Equal("<|im_end|>", folder.EosToken);
        Assert.False(folder.AddBosToken);
        Assert.Equal("qwen2", folder.ModelType);
    }

    [Fact]
    public void The_context_is_the_smaller_of_context_length_and_search_max_length()
    {
        Assert.Equal(1000, ModelFolder.Read(Folder(genai: g => g["search"]!["max_length"] = 1000)).ContextLength);
        Assert.Equal(2048, ModelFolder.Read(Folder(genai: g =>
        {
            g["search"]!.AsObject().Remove("max_length");
            g["model"]!["context_length"] = 2048;
        })).ContextLength);
        var error = Assert.Throws<OnnxGenAIException>(() => ModelFolder.Read(Folder(genai: g =>
        {
            g["search"]!.AsObject().Remove("max_length");
            g["model"]!.AsObject().Remove("context_length");
        })));
        Assert.Equal(OnnxGenAIErrorKind.ModelFolder, error.Kind);
    }

    [Fact]
    public void Special_tokens_may_be_added_token_objects()
    {
        ModelFolder folder = ModelFolder.Read(Folder(tokenizer: t =>
        {
            t["bos_token"] = new JsonObject { ["content"] = "<|endoftext|>", ["special"] = true };
            t["add_bos_token"] = true;
        }));

        Assert.Equal("<|endoftext|>", folder.BosToken);
        Assert.True(folder.AddBosToken);
    }

    [Fact]
    public void A_tokenizer_that_adds_bos_gets_it_once_in_front_of_the_prompt()
    {
        string path = Folder(tokenizer: t => t["add_bos_token"] = true);
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, path);

        int[] tokens = client.Pipeline.Tokenize(client.Pipeline.RenderPrompt([new(Microsoft.Extensions.AI.ChatRole.User, "Hi")], null, out _));

        Assert.Equal(272, tokens[0]);
        Assert.Equal(1, tokens.Count(t => t == 272));
    }
}
