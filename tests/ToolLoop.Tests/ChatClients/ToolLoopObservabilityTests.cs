using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

public sealed class ToolLoopObservabilityTests
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private static LoopScenario WeatherScenario(ToolLoopOptions options) => new(
        new ScriptedChatClient(
            new ScriptedTurn(ScriptedTurn.Call("w1", "get_weather", new { city = "Reykjavik" })) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } },
            new ScriptedTurn(new TextContent("Cold.")) { Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 2, TotalTokenCount = 22 } }),
        chatOptions: LoopScenario.WithTools(TestFunction.Returning("get_weather", "minus four in Reykjavik", CitySchema)),
        options: options);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F27_Spans_AreNamedLikeMicrosofts_WithGenAiTags(bool streaming)
    {
        var sourceName = "ToolLoop.Tests.F27." + Guid.NewGuid().ToString("N");
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await LoopHarness.RunBothAsync(streaming, () => WeatherScenario(new ToolLoopOptions { SourceName = sourceName }));

        var all = activities.ToList();
        Assert.Equal(2, all.Count(a => a.OperationName == "orchestrate_tools"));
        var tools = all.Where(a => a.OperationName == "execute_tool get_weather").ToList();
        Assert.Equal(2, tools.Count);
        foreach (var tool in tools)
        {
            Assert.Equal("execute_tool", tool.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("get_weather", tool.GetTagItem("gen_ai.tool.name"));
            Assert.Equal("w1", tool.GetTagItem("gen_ai.tool.call.id"));
            Assert.Equal("function", tool.GetTagItem("gen_ai.tool.type"));
            Assert.Null(tool.GetTagItem("gen_ai.tool.call.arguments")); // sensitive data is off by default
            Assert.Contains(all, a => a.OperationName == "orchestrate_tools" && a.SpanId == tool.ParentSpanId);
        }

        Assert.All(all.Where(a => a.OperationName == "orchestrate_tools"), a => Assert.Equal(ToolLoopStopReasons.Completed, a.GetTagItem("toolloop.stop_reason")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F27_LogEvents_ArgumentsAndResultsOnlyAtTrace(bool streaming)
    {
        var debug = new CapturingLoggerFactory(LogLevel.Debug);
        await LoopHarness.RunBothAsync(streaming, () => WeatherScenario(new ToolLoopOptions { LoggerFactory = debug }));
        Assert.Contains(debug.Entries, e => e.Message.Contains("Invoking tool get_weather", StringComparison.Ordinal));
        Assert.Contains(debug.Entries, e => e.Message.Contains("Tool loop stopped: completed", StringComparison.Ordinal));
        Assert.DoesNotContain(debug.Entries, e => e.Message.Contains("Reykjavik", StringComparison.Ordinal));

        var trace = new CapturingLoggerFactory(LogLevel.Trace);
        await LoopHarness.RunBothAsync(streaming, () => WeatherScenario(new ToolLoopOptions { LoggerFactory = trace }));
        Assert.Contains(trace.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("\"city\":\"Reykjavik\"", StringComparison.Ordinal));
        Assert.Contains(trace.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("minus four in Reykjavik", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F28_Usage_IsSummedAcrossIterations_AndReportedOnce(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => WeatherScenario(new ToolLoopOptions()));

        Assert.Equal(30, run.Response.Usage!.InputTokenCount);
        Assert.Equal(7, run.Response.Usage.OutputTokenCount);
        Assert.Equal(37, run.Response.Usage.TotalTokenCount);
        if (run.Updates is { } updates)
        {
            Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        }

        Assert.DoesNotContain(run.Response.Messages.SelectMany(m => m.Contents), c => c is UsageContent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F29_WhileStreaming_CallsAndResultsAreVisibleAsTheyHappen(bool streaming)
    {
        var run = await LoopHarness.RunBothAsync(streaming, () => WeatherScenario(new ToolLoopOptions()));
        Assert.Equal("minus four in Reykjavik", run.ResultText("w1"));
        if (!streaming)
        {
            return;
        }

        // The tool only returns once the caller has seen the call; the model is only called again once the caller saw the result.
        var callSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resultSeen = false;
        var seenAtSecondRequest = (bool?)null;
        var tool = new TestFunction("get_weather", async (_, ct) =>
        {
            await callSeen.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return "minus four";
        }, CitySchema);
        var script = new ScriptedChatClient(ScriptedTurn.Calls(ScriptedTurn.Call("w1", "get_weather", new { city = "Reykjavik" })))
            .Then(_ =>
            {
                seenAtSecondRequest = resultSeen;
                return ScriptedTurn.Text("Cold.");
            });
        var loop = script.AsToolLoop();
        var order = new List<string>();
        await foreach (var update in loop.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather?")], LoopScenario.WithTools(tool), TestContext.Current.CancellationToken))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case FunctionCallContent:
                        order.Add("call");
                        callSeen.TrySetResult();
                        break;
                    case FunctionResultContent:
                        order.Add("result");
                        resultSeen = true;
                        break;
                    case TextContent t:
                        order.Add("text:" + t.Text);
                        break;
                }
            }
        }

        Assert.Equal(["call", "result", "text:Cold."], order);
        Assert.True(seenAtSecondRequest);
    }
}
