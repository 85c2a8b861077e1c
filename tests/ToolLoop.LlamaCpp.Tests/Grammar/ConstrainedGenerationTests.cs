using System.Text.Json;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// Grammar-constrained generation on the real runtime, with scripted models whose own output is a malformed call and
/// whose second choice is the well-formed one: with <see cref="LlamaCppChatClientOptions.UseGrammar"/> the adapter
/// yields a valid call and the loop runs the tool; without it the malformed call comes out (each test shows both).
/// </summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class ConstrainedGenerationTests
{
    public enum City
    {
        Paris,
        Rome,
    }

    // The call's argument is an unquoted word: {"city": Paris}} is not JSON.
    private static readonly TinyModelRecipe s_unquotedArgument = TestRecipes.QwenStyle with
    {
        Name = "tiny-malformed-json",
        ToolCall = ["<tool_call>", "\n{\"name\": \"", "get_weather", "\", \"arguments\": ", "{\"city\": ", "Paris", "}}\n", "</tool_call>"],
        Detours = [new("{\"city\": ", ["\"Paris\""], "}}\n")],
    };

    // The call names a tool nobody declared.
    private static readonly TinyModelRecipe s_undeclaredName = TestRecipes.QwenStyle with
    {
        Name = "tiny-undeclared-name",
        ToolCall = ["<tool_call>", "\n{\"name\": \"", "get_time", "\", \"arguments\": ", "{\"city\": \"", "Paris", "\"}}\n", "</tool_call>"],
        Detours = [new("\n{\"name\": \"", ["get_weather"], "\", \"arguments\": ")],
    };

    private static readonly Lazy<LlamaModel> s_unquotedModel = new(() => LlamaTestEnvironment.LoadModel(s_unquotedArgument));
    private static readonly Lazy<LlamaModel> s_undeclaredModel = new(() => LlamaTestEnvironment.LoadModel(s_undeclaredName));

    private static List<ChatMessage> Ask() => [new(ChatRole.System, "You help with weather."), new(ChatRole.User, "What's the weather in Paris?")];

    private static LlamaCppChatClient Client(LlamaModel model, bool useGrammar)
        => new(model, new LlamaCppChatClientOptions { ContextSize = 2048, ThreadCount = 1, UseGrammar = useGrammar, MaxOutputTokens = 2000 });

    private static FunctionCallContent? ValidCall(ChatResponse response)
        => response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().SingleOrDefault(c => c.Exception is null);

    [Fact]
    public async Task A_call_with_malformed_JSON_comes_out_well_formed_and_the_loop_runs_the_tool()
    {
        var ct = TestContext.Current.CancellationToken;
        var invoked = new List<string>();
        var options = new ChatOptions { Tools = [TestTools.Weather(invoked)] };

        using (var unconstrained = Client(s_unquotedModel.Value, useGrammar: false))
        {
            var raw = await unconstrained.GetResponseAsync(Ask(), options, ct);
            Assert.Null(ValidCall(raw));
            Assert.DoesNotContain("grammar", unconstrained.Session.LastSamplerChain.Select(s => s.Name));
        }

        using var local = Client(s_unquotedModel.Value, useGrammar: true);
        var response = await local.GetResponseAsync(Ask(), options, ct);
        var call = ValidCall(response);
        Assert.NotNull(call);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("grammar", local.Session.LastSamplerChain[0].Name);

        var answer = await local.AsToolLoop().GetResponseAsync(Ask(), options, ct);
        Assert.Equal(["Paris"], invoked);
        Assert.EndsWith(s_unquotedArgument.AnswerText, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_of_an_undeclared_tool_becomes_a_call_of_a_declared_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var invoked = new List<string>();
        var options = new ChatOptions { Tools = [TestTools.Weather(invoked)] };

        using (var unconstrained = Client(s_undeclaredModel.Value, useGrammar: false))
        {
            var raw = await unconstrained.GetResponseAsync(Ask(), options, ct);
            Assert.NotEqual("get_weather", ValidCall(raw)?.Name);
        }

        using var local = Client(s_undeclaredModel.Value, useGrammar: true);
        var answer = await local.AsToolLoop().GetResponseAsync(Ask(), options, ct);
        Assert.Equal(["Paris"], invoked);
        Assert.EndsWith(s_undeclaredName.AnswerText, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireSpecific_forces_the_call_from_the_first_token()
    {
        var ct = TestContext.Current.CancellationToken;
        var forecast = AIFunctionFactory.Create((City city) => $"{city}: rain", "get_forecast", "Gets tomorrow's forecast.");

        // After a tool result the script answers in prose; the required tool mode leaves it no choice.
        List<ChatMessage> history =
        [
            .. Ask(),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "Paris: sunny, 22 C")]),
        ];
        var options = new ChatOptions { Tools = [TestTools.Weather(), forecast], ToolMode = ChatToolMode.RequireSpecific("get_forecast") };

        using (var unconstrained = Client(LlamaTestEnvironment.QwenModel, useGrammar: false))
        {
            var raw = await unconstrained.GetResponseAsync(history, options, ct);
            Assert.Null(ValidCall(raw));
            Assert.Equal(TinyModelRecipe.Reference.AnswerText, raw.Text);
        }

        using var local = Client(LlamaTestEnvironment.QwenModel, useGrammar: true);
        var response = await local.GetResponseAsync(history, options, ct);
        var call = ValidCall(response);
        Assert.NotNull(call);
        Assert.Equal("get_forecast", call.Name);
        Assert.Contains(call.Arguments!["city"]!.ToString(), new[] { "Paris", "Rome" });
        Assert.True(string.IsNullOrWhiteSpace(response.Text), response.Text);
    }

    private const string AnswerSchema = """{"type":"object","properties":{"city":{"enum":["Paris","Rome"]},"sunny":{"type":"boolean"},"celsius":{"type":"integer","minimum":-50,"maximum":60}},"required":["city","sunny","celsius"],"additionalProperties":false}""";

    [Fact]
    public async Task ResponseFormat_yields_JSON_valid_against_its_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        using var schema = JsonDocument.Parse(AnswerSchema);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "weather") };
        List<ChatMessage> ask = [new(ChatRole.User, "Weather as JSON, please.")];

        using (var unconstrained = Client(LlamaTestEnvironment.QwenModel, useGrammar: false))
        {
            Assert.Equal(TinyModelRecipe.Reference.PlainText, (await unconstrained.GetResponseAsync(ask, options, ct)).Text);
        }

        using var local = Client(LlamaTestEnvironment.QwenModel, useGrammar: true);
        var response = await local.GetResponseAsync(ask, options, ct);
        Assert.True(ReferenceValidator.IsValid(AnswerSchema, response.Text), response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Without_tools_or_a_response_format_nothing_is_constrained()
    {
        using var local = Client(LlamaTestEnvironment.QwenModel, useGrammar: true);
        var response = await local.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions(), TestContext.Current.CancellationToken);
        Assert.Equal(TinyModelRecipe.Reference.PlainText, response.Text);
        Assert.DoesNotContain("grammar", local.Session.LastSamplerChain.Select(s => s.Name));
    }

    [Fact]
    public async Task The_lazy_grammar_leaves_a_well_formed_call_untouched()
    {
        // The reference script's own call is valid: constrained, it comes out the same.
        using var local = Client(LlamaTestEnvironment.QwenModel, useGrammar: true);
        var response = await local.GetResponseAsync(Ask(), new ChatOptions { Tools = [TestTools.Weather()] }, TestContext.Current.CancellationToken);
        var call = ValidCall(response);
        Assert.NotNull(call);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        Assert.Equal("grammar", local.Session.LastSamplerChain[0].Name);
    }

    [Fact]
    public async Task An_undeclared_required_function_is_an_argument_error()
    {
        using var local = Client(LlamaTestEnvironment.QwenModel, useGrammar: true);
        var options = new ChatOptions { Tools = [TestTools.Weather()], ToolMode = ChatToolMode.RequireSpecific("get_time") };
        await Assert.ThrowsAsync<ArgumentException>(() => local.GetResponseAsync(Ask(), options, TestContext.Current.CancellationToken));
    }
}
