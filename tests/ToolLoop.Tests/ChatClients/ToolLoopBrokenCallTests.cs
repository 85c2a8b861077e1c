using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Features 30 and 31: broken and cut-off calls, in every family, reach the model as errors and never run.</summary>
public sealed class ToolLoopBrokenCallTests
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";
    private const string FileSchema = """{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path"]}""";

    /// <summary>Hand-written model output with a call that names its tool but cannot be read, per family.</summary>
    public static TheoryData<string, bool> NamedBrokenCalls()
    {
        var data = new TheoryData<string, bool>();
        foreach (var family in BrokenMarkup.Keys)
        {
            data.Add(family, false);
            data.Add(family, true);
        }

        return data;
    }

    private static readonly Dictionary<string, (ToolCallFormat Format, string Output)> BrokenMarkup = new()
    {
        ["hermes"] = (ToolCallFormat.Hermes, """Checking.<tool_call>{"name": "get_weather", "arguments": ["Paris"]}</tool_call>"""),
        ["llama3"] = (ToolCallFormat.Llama3, """<|python_tag|>{"name": "get_weather", "parameters": ["Paris"]}"""),
        ["mistral"] = (ToolCallFormat.Mistral, """[TOOL_CALLS][{"name": "get_weather", "arguments": ["Paris"]}]"""),
        ["kimi"] = (ToolCallFormat.Kimi, """<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": }<|tool_call_end|><|tool_calls_section_end|>"""),
        ["deepseek"] = (ToolCallFormat.DeepSeek, "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": }<｜tool▁call▁end｜><｜tool▁calls▁end｜>"),
        ["qwen3-coder"] = (ToolCallFormat.Qwen3Coder, "Checking.<tool_call>\n<function=get_weather>\n{\"city\": }\n</function>\n</tool_call>"),
        ["glm"] = (ToolCallFormat.Glm, "<tool_call>get_weather\n<arg_key>city</arg_key>\n</tool_call>"),
        ["gemma4"] = (ToolCallFormat.Gemma4, "<|tool_call>call:get_weather{city:}<tool_call|>"),
        ["auto (hermes markup)"] = (ToolCallFormat.Auto, """<tool_call>{"name": "get_weather", "arguments": ["Paris"]}</tool_call>"""),
    };

    private static LoopScenario BrokenThenAnswer(string family, bool approval = false, ToolLoopOptions? options = null, int brokenTurns = 1)
    {
        var (format, output) = BrokenMarkup[family];
        var weather = TestFunction.Returning("get_weather", "sunny", CitySchema);
        var script = new ScriptedChatClient();
        for (var i = 0; i < brokenTurns; i++)
        {
            script.Then(new ScriptedTurn(new TextContent(output)) { TextChunkSize = 5 });
        }

        script.Then(ScriptedTurn.Text("Sorry, I could not check the weather."));
        return new LoopScenario(
            script,
            chatOptions: LoopScenario.WithTools(approval ? new ApprovalRequiredAIFunction(weather) : weather),
            options: options,
            textFormat: format)
        {
            Items = { ["weather"] = weather },
        };
    }

    [Theory]
    [MemberData(nameof(NamedBrokenCalls))]
    public async Task F30_BrokenCallThatNamesItsTool_GetsAnErrorResult_AndIsNotRun(string family, bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => BrokenThenAnswer(family));

        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        var call = Assert.Single(run.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Exception);
        var result = run.ResultText(call.CallId);
        Assert.Contains("could not be parsed", result, StringComparison.Ordinal);
        Assert.Contains("\"required\":[\"city\"]", result, StringComparison.Ordinal); // what is expected

        // The model is told, next to its call, in the request after the broken one.
        var sent = run.Scenario.Script.Requests[1].Messages;
        LoopHarness.AssertWellFormed(sent);
        Assert.Contains(sent.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.CallId == call.CallId && ToolLoopJson.ResultText(r.Result) == result);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
        Assert.Equal("Sorry, I could not check the weather.", run.Response.Messages[^1].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F30_BrokenCallToAnApprovalTool_IsAnswered_NotPutToTheUser(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => BrokenThenAnswer("hermes", approval: true));

        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        Assert.DoesNotContain(run.Response.Messages.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent);
        Assert.Contains("could not be parsed", run.ResultText(Assert.Single(run.Calls).CallId), StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F30_BrokenCalls_CountTowardMaximumConsecutiveErrors(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => BrokenThenAnswer("mistral", options: new ToolLoopOptions { MaximumConsecutiveErrors = 2 }, brokenTurns: 2));

        Assert.Equal(ToolLoopStopReasons.ConsecutiveErrors, run.StopReason);
        Assert.Equal(3, run.Scenario.Script.Requests.Count);
        Assert.Empty(run.Scenario.Script.Requests[^1].ToolNames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F30_UnreadableCallWithoutAName_IsReportedToTheModel_AndKeptForTheCaller(bool streaming)
    {
        const string Broken = """<tool_call>{"arguments": {"city": "Paris"}}</tool_call>""";
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var weather = TestFunction.Returning("get_weather", "sunny", CitySchema);
            var script = new ScriptedChatClient(
                new ScriptedTurn(new TextContent("Let me look." + Broken)) { TextChunkSize = 4 },
                ScriptedTurn.Text("Sorry."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(weather), textFormat: ToolCallFormat.Hermes) { Items = { ["weather"] = weather } };
        });

        Assert.Equal(0, run.Scenario.Item<TestFunction>("weather").Count);
        Assert.Equal(2, run.Scenario.Script.Requests.Count);

        // The caller keeps the raw call as an ErrorContent; its visible text is the model's prose only.
        var error = Assert.Single(run.Response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>());
        Assert.Equal(Broken, error.Details);
        Assert.Equal("Let me look.\nSorry.", run.Response.Text);

        // The model is told what it wrote and that nothing ran, in a message of the loop's own.
        var notice = Assert.Single(run.Scenario.Script.Requests[1].Messages, m => m.Contents.Any(ToolLoopHistory.IsNotice));
        Assert.Equal(ChatRole.User, notice.Role);
        Assert.Contains("could not be read", notice.Text, StringComparison.Ordinal);
        Assert.Contains(Broken, notice.Text, StringComparison.Ordinal);
        Assert.Equal(ToolLoopStopReasons.Completed, run.StopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F30_UnreadableCallsWithoutAName_CountTowardMaximumConsecutiveErrors(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => new LoopScenario(
            new ScriptedChatClient(
                ScriptedTurn.Text("""<tool_call>{"arguments": {}}</tool_call>"""),
                ScriptedTurn.Text("I give up.")),
            chatOptions: LoopScenario.WithTools(TestFunction.Returning("get_weather", "sunny", CitySchema)),
            options: new ToolLoopOptions { MaximumConsecutiveErrors = 1 },
            textFormat: ToolCallFormat.Hermes));

        Assert.Equal(ToolLoopStopReasons.ConsecutiveErrors, run.StopReason);
        Assert.Empty(run.Scenario.Script.Requests[^1].ToolNames);
        Assert.Equal("I give up.", run.Response.Messages[^1].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F31_CallCutOffInsideAValue_IsNeverRun_ButAnObjectCutAfterACompleteValueIsClosed(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () =>
        {
            var write = new TestFunction("write_file", (a, _) => ValueTask.FromResult<object?>("wrote " + a["path"]), FileSchema);
            var script = new ScriptedChatClient(
                new ScriptedTurn(
                    ScriptedTurn.Unparsed("w1", "write_file", """{"path": "a.txt", "content": "Dear Bob, the meeting is"""),     // inside a string value
                    ScriptedTurn.Unparsed("w2", "write_file", """{"path": "b.txt", "content": "Hi"""),                           // inside a string that might just be done
                    ScriptedTurn.Unparsed("w3", "write_file", """{"path": "c.txt", "content": "Hi", "mode": 12"""),              // a number that might go on
                    ScriptedTurn.Unparsed("w4", "write_file", """{"path": "d.txt", "con"""),                                     // inside a key
                    ScriptedTurn.Unparsed("w5", "write_file", """{"path": "e.txt", "content": "Done.","""),                       // after a complete value
                    FunctionCallContent.CreateFromParsedArguments(                                                  // a provider's cut-off arguments, no raw text
                        """{"path": "f.txt", "content": "abc""", "w6", "write_file", s => JsonSerializer.Deserialize<Dictionary<string, object?>>(s, AIJsonUtilities.DefaultOptions)))
                {
                    FinishReason = ChatFinishReason.Length,
                },
                ScriptedTurn.Text("I will write the rest in smaller pieces."));
            return new LoopScenario(script, chatOptions: LoopScenario.WithTools(write)) { Items = { ["write"] = write } };
        });

        Assert.Equal(["""{"content":"Done.","path":"e.txt"}"""], run.Scenario.Item<TestFunction>("write").Invocations);
        foreach (var id in new[] { "w1", "w2", "w3", "w4", "w6" })
        {
            Assert.Contains("cut off by the output token limit", run.ResultText(id), StringComparison.Ordinal);
        }

        Assert.Equal("wrote e.txt", run.ResultText("w5"));
    }

    [Theory]
    [InlineData("{\"a\": \"x\", \"b\": [1, 2]", "{\"a\":\"x\",\"b\":[1,2]}")]
    [InlineData("{\"a\": \"x\",", "{\"a\":\"x\"}")]
    [InlineData("{\"a\": \"x\"", "{\"a\":\"x\"}")]
    [InlineData("{\"a\": {\"b\": true}", "{\"a\":{\"b\":true}}")]
    [InlineData("{\"a\": \"say \\\"hi\\\"\"", "{\"a\":\"say \\\"hi\\\"\"}")]
    [InlineData("{\"a\": [\"x\", \"y\"],  ", "{\"a\":[\"x\",\"y\"]}")]
    [InlineData("{\"a\": 1, \"b\": null", null)]
    [InlineData("{\"a\": \"x", null)]
    [InlineData("{\"a\": \"x\\\"", null)]
    [InlineData("{\"a\": 1", null)]
    [InlineData("{\"a\": tru", null)]
    [InlineData("{\"a\":", null)]
    [InlineData("{\"a\"", null)]
    [InlineData("{\"a\": [", null)]
    [InlineData("{", null)]
    [InlineData("{\"a\": 1}}", null)]
    public void F31_Healing_ClosesStructureOnlyAfterCompleteValues(string raw, string? expected)
    {
        var healed = ToolArgumentHealer.TryCloseStructure(raw, out var arguments);
        Assert.Equal(expected is not null, healed);
        if (expected is not null)
        {
            Assert.Equal(expected, ToolLoopJson.Serialize(arguments));
        }
    }
}
