using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.ChatClients;

/// <summary>Other scripted replies through real llama.cpp: reasoning, several calls, long arguments, another family, split UTF-8.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class ScriptedFamilyTests
{
    private static List<ChatMessage> Ask(string text = "Hi") => [new(ChatRole.System, "Be brief."), new(ChatRole.User, text)];

    private static LlamaCppChatClient Client(LlamaModel model, ToolCallFormat? format = null)
        => new(model, new LlamaCppChatClientOptions { ContextSize = 1024, ThreadCount = 1, ToolCallFormat = format });

    [Fact]
    public async Task Reasoning_arrives_as_TextReasoningContent()
    {
        using LlamaModel model = LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
        {
            ExtraUserDefinedTokens = ["<think>", "</think>"],
            Plain = ["<think>", "\nThe user greets me.\n", "</think>", "\n\nHello!"],
        });
        using LlamaCppChatClient client = Client(model, ToolCallFormat.Hermes);

        ChatResponse response = await client.GetResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken);

        List<AIContent> contents = [.. response.Messages.SelectMany(m => m.Contents).Where(c => c is not UsageContent)];
        Assert.Equal("The user greets me.", string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)).Trim());
        Assert.Equal("Hello!", response.Text);
    }

    [Fact]
    public async Task Several_calls_in_one_reply_become_several_FunctionCallContents()
    {
        using LlamaModel model = LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
        {
            ToolCall = [.. TinyModelRecipe.Reference.ToolCall, "\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"London\"}}\n</tool_call>"],
        });
        using LlamaCppChatClient client = Client(model);
        var options = new ChatOptions { Tools = [TestTools.Weather()] };

        ChatResponse response = await client.GetResponseAsync(Ask("Paris and London?"), options, TestContext.Current.CancellationToken);

        FunctionCallContent[] calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        Assert.Equal(["Paris", "London"], calls.Select(c => ((JsonElement)c.Arguments!["city"]!).GetString()));
        Assert.Equal(2, calls.Select(c => c.CallId).Distinct().Count());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task Long_arguments_survive_streaming_intact()
    {
        string[] chunks = [.. Enumerable.Range(0, 12).Select(i => $"line {i:D2}: " + new string((char)('a' + i), 700) + "\\n")];
        using LlamaModel model = LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
        {
            ToolCall = ["<tool_call>", "\n{\"name\": \"write_file\", \"arguments\": {\"path\": \"notes.txt\", \"content\": \"", .. chunks, "\"}}\n", "</tool_call>"],
        });
        using LlamaCppChatClient client = Client(model);
        AIFunction writeFile = AIFunctionFactory.Create((string path, string content) => content.Length, "write_file");
        var calls = new List<FunctionCallContent>();

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Ask("Write it"), new ChatOptions { Tools = [writeFile] }, TestContext.Current.CancellationToken))
        {
            calls.AddRange(update.Contents.OfType<FunctionCallContent>());
        }

        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal("write_file", call.Name);
        string expected = string.Concat(chunks).Replace("\\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, ((JsonElement)call.Arguments!["content"]!).GetString());
        Assert.True(expected.Length > 8000);
    }

    [Fact]
    public async Task Mistral_markup_is_parsed_when_the_family_is_overridden()
    {
        using LlamaModel model = LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
        {
            ChatTemplate = TestRecipes.Qwen25Template, // renders the tools (the <tools> marker the script keys on)
            ExtraControlTokens = ["[TOOL_CALLS]"],
            ToolCall = ["[TOOL_CALLS]", "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]"],
        });
        using LlamaCppChatClient client = Client(model, ToolCallFormat.Mistral);

        ChatResponse response = await client.GetResponseAsync(Ask("Weather?"), new ChatOptions { Tools = [TestTools.Weather()] }, TestContext.Current.CancellationToken);

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(ToolCallFormat.Mistral, client.ToolCallFormat);
    }

    [Fact]
    public async Task Streaming_never_splits_a_UTF8_character_across_updates()
    {
        using LlamaModel model = LlamaTestEnvironment.LoadModel(TinyModelRecipe.Reference with
        {
            // Byte tokens: é is C3 A9, 😀 is F0 9F 98 80; each byte is generated as its own token.
            Plain = ["Caf", "<0xC3>", "<0xA9>", " and a smile ", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", " done"],
        });
        using LlamaCppChatClient client = Client(model);
        var texts = new List<string>();

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Ask(), cancellationToken: TestContext.Current.CancellationToken))
        {
            texts.Add(update.Text);
        }

        Assert.Equal("Café and a smile 😀 done", string.Concat(texts));
        Assert.All(texts, t => Assert.DoesNotContain('\uFFFD', t));
        Assert.All(texts, t => Assert.True(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(t)) == t, $"update '{t}' holds a lone surrogate"));
        Assert.Equal(9, client.Statistics.OutputTokens);
    }
}
