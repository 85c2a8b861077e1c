using Microsoft.Extensions.AI;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Tests.Internal;

/// <summary>The sampler-chain hook for grammars: eager and lazy GBNF grammars through ToolLoop's own imports.</summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class GrammarSamplerTests
{
    private const string Rome = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>";

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.System, "Be brief."), new(ChatRole.User, text)];

    private static LlamaCppChatClient Client(SamplerGrammar? grammar)
        => new(LlamaTestEnvironment.QwenModel, new LlamaCppChatClientOptions { ContextSize = 1024, ThreadCount = 1 }) { GrammarSelector = _ => grammar };

    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    [Fact]
    public async Task An_eager_grammar_overrides_the_script_from_the_first_token()
    {
        using LlamaCppChatClient client = Client(new SamplerGrammar("root ::= " + Literal("The weather in Paris is sunny, 22 C.")));

        ChatResponse response = await client.GetResponseAsync(Ask("Hi"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("The weather in Paris is sunny, 22 C.", response.Text);
        Assert.Equal("grammar", client.Session.LastSamplerChain[0].Name);
    }

    [Fact]
    public async Task A_lazy_grammar_wakes_at_its_trigger_token_and_constrains_the_call()
    {
        int trigger = Assert.Single(LlamaTestEnvironment.QwenModel.Tokenize("<tool_call>", addSpecial: false, parseSpecial: true));
        using LlamaCppChatClient client = Client(new SamplerGrammar("root ::= " + Literal(Rome), Lazy: true, TriggerTokens: [trigger]));
        var tools = new ChatOptions { Tools = [TestTools.Weather()] };

        ChatResponse call = await client.GetResponseAsync(Ask("Weather?"), tools, TestContext.Current.CancellationToken);
        ChatResponse plain = await client.GetResponseAsync(Ask("Hi"), cancellationToken: TestContext.Current.CancellationToken);

        FunctionCallContent content = Assert.Single(call.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Rome", content.Arguments!["city"]!.ToString());
        Assert.Equal("Hello from the tiny scripted model.", plain.Text); // dormant without its trigger
    }

    [Fact]
    public async Task A_lazy_grammar_wakes_at_a_trigger_pattern()
    {
        using LlamaCppChatClient client = Client(new SamplerGrammar("root ::= " + Literal(Rome), Lazy: true, TriggerPatterns: ["[\\s\\S]*?(<tool_call>[\\s\\S]*)"]));

        ChatResponse call = await client.GetResponseAsync(Ask("Weather?"), new ChatOptions { Tools = [TestTools.Weather()] }, TestContext.Current.CancellationToken);

        Assert.Equal("Rome", Assert.Single(call.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Arguments!["city"]!.ToString());
    }

    [Fact]
    public async Task A_grammar_that_does_not_parse_is_a_typed_error_with_the_native_log()
    {
        using LlamaCppChatClient client = Client(new SamplerGrammar("root ::= (unclosed"));

        var error = await Assert.ThrowsAsync<LlamaCppException>(() => client.GetResponseAsync(Ask("Hi"), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("grammar", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(error.NativeLog);
        using LlamaCppChatClient other = Client(null);
        Assert.Equal("Hello from the tiny scripted model.", (await other.GetResponseAsync(Ask("Hi"), cancellationToken: TestContext.Current.CancellationToken)).Text);
    }

    [Fact]
    public async Task An_invalid_trigger_pattern_is_a_typed_error_not_a_native_abort()
    {
        using LlamaCppChatClient client = Client(new SamplerGrammar("root ::= \"a\"", Lazy: true, TriggerPatterns: ["(<tool_call>"]));

        var error = await Assert.ThrowsAsync<LlamaCppException>(() => client.GetResponseAsync(Ask("Hi"), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("(<tool_call>", error.Message, StringComparison.Ordinal);
    }
}
