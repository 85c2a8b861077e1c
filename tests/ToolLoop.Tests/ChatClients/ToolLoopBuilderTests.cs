using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Feature 38: ChatClientBuilder extensions, the pipeline-order rule, and option validation.</summary>
public sealed class ToolLoopBuilderTests
{
    private const string HermesCall = """<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>""";

    private static ScriptedChatClient TextModel() => new(
        new ScriptedTurn(new TextContent(HermesCall)) { TextChunkSize = 3 },
        ScriptedTurn.Text("Oslo is sunny."));

    private static TestFunction Weather() => TestFunction.Returning("get_weather", "sunny", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    private static async Task<(ChatResponse Response, TestFunction Weather)> AskAsync(IChatClient client, bool streaming)
    {
        var weather = Weather();
        var options = LoopScenario.WithTools(weather);
        List<ChatMessage> messages = [new(ChatRole.User, "Weather in Oslo?")];
        var response = streaming
            ? await client.GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken)
            : await client.GetResponseAsync(messages, options, TestContext.Current.CancellationToken);
        return (response, weather);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F38_UseToolLoop_ThenUseToolCallParsing_RunsTextCalls(bool streaming)
    {
        using var client = TextModel().AsBuilder().UseToolLoop(o => o.MaximumIterations = 3).UseToolCallParsing(ToolCallFormat.Hermes).Build();
        var (response, weather) = await AskAsync(client, streaming);

        Assert.Equal(1, weather.Count);
        Assert.Equal(ToolLoopStopReasons.Completed, response.AdditionalProperties![ToolLoopPropertyNames.StopReason]);
        Assert.Equal("Oslo is sunny.", response.Messages[^1].Text);
        Assert.IsType<ToolCallParsingChatClient>(client.GetService(typeof(ToolCallParsingChatClient)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F38_TextToolCalls_PutsTheParserBeneathTheLoopItself(bool streaming)
    {
        using var client = TextModel().AsBuilder().UseToolLoop(o => o.TextToolCalls = ToolCallFormat.Auto).Build();
        var (response, weather) = await AskAsync(client, streaming);

        Assert.Equal(1, weather.Count);
        Assert.Equal("Oslo is sunny.", response.Messages[^1].Text);
        Assert.NotNull(client.GetService(typeof(ToolCallParsingChatClient)));
    }

    [Fact]
    public void F38_AParserAboveTheLoop_FailsLoudly_NamingTheRightOrder()
    {
        var wrong = TextModel().AsBuilder().UseToolCallParsing().UseToolLoop();
        var error = Assert.Throws<InvalidOperationException>(() => wrong.Build());
        Assert.Contains("UseToolLoop().UseToolCallParsing()", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ToolLoopChatClient), error.Message, StringComparison.Ordinal);

        var aboveFicc = TextModel().AsBuilder().UseToolCallParsing().UseFunctionInvocation();
        error = Assert.Throws<InvalidOperationException>(() => aboveFicc.Build());
        Assert.Contains(nameof(FunctionInvokingChatClient), error.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidOperationException>(() => TextModel().AsToolLoop().AsToolCallParsing());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F38_TheParser_WorksBeneathMicrosoftsFunctionInvokingChatClient(bool streaming)
    {
        using var client = TextModel().AsBuilder().UseFunctionInvocation().UseToolCallParsing().Build();
        var (response, weather) = await AskAsync(client, streaming);

        Assert.Equal(1, weather.Count);
        Assert.Equal("Oslo is sunny.", response.Messages[^1].Text);
    }

    [Fact]
    public async Task F38_TheBuildersServices_SupplyTheLoggerFactoryAndTheToolServices()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Debug);
        var services = new Services(logs);
        IServiceProvider? seen = null;
        var probe = new TestFunction("probe", (a, _) =>
        {
            seen = a.Services;
            return ValueTask.FromResult<object?>("ok");
        });
        var configured = 0;
        using var client = new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("p1", "probe")), ScriptedTurn.Text("done"))
            .AsBuilder()
            .UseToolLoop((options, provider) =>
            {
                Assert.Same(services, provider);
                configured++;
            })
            .Build(services);
        await client.GetResponseAsync("hi", LoopScenario.WithTools(probe), TestContext.Current.CancellationToken);

        Assert.Equal(1, configured);
        Assert.Same(services, seen);
        Assert.Contains(logs.Entries, e => e.Message.Contains("Tool loop stopped: completed", StringComparison.Ordinal));
    }

    [Fact]
    public void F38_OutOfRangeOptions_FailWhereTheyAreSet()
    {
        var options = new ToolLoopOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaximumIterations = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaximumDegreeOfParallelism = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaximumCallsPerRound = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ToolTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaximumToolResultLength = 0);
        options.ToolTimeout = Timeout.InfiniteTimeSpan;
        options.MaximumToolResultLength = null;
        options.MaximumIterations = 0;
        Assert.Equal(0, options.MaximumIterations);
    }

    private sealed class Services(ILoggerFactory loggerFactory) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? loggerFactory : null;
    }
}
