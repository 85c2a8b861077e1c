using System.Diagnostics;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>
/// Feature 39: spans and metrics on the OpenTelemetry GenAI conventions, checked with the real OpenTelemetry SDK and its
/// in-memory exporter. Other tests share the default source name, so spans are picked by this test's own trace and
/// metric points by this test's own tool name.
/// </summary>
public sealed class ToolLoopTelemetryTests
{
    private static readonly ActivitySource s_test = new("ToolLoop.Tests.Telemetry");

    private static async Task<(List<Activity> Spans, List<MetricSnapshot> Metrics, string Tool)> RunAsync(
        bool streaming, string subscribeTo, Func<IChatClient, IChatClient> pipeline, Action<ToolLoopOptions>? configure = null, string? parentName = null)
    {
        var tool = "get_weather_" + Guid.NewGuid().ToString("N")[..8];
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(subscribeTo, s_test.Name).AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(subscribeTo).AddInMemoryExporter(metrics).Build();

        var script = new ScriptedChatClient(
            new ScriptedTurn(ScriptedTurn.Call("w1", tool, new { city = "Oslo" })) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } },
            new ScriptedTurn(new TextContent("Cold.")) { Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 2 } });
        var options = new ToolLoopOptions { EnableSensitiveData = true };
        configure?.Invoke(options);
        using var client = pipeline(script).AsBuilder().UseToolLoop(o =>
        {
            o.EnableSensitiveData = options.EnableSensitiveData;
            o.SourceName = options.SourceName;
        }).Build();

        ActivityTraceId trace;
        ActivitySpanId parentId;
        using (var parent = s_test.StartActivity(parentName ?? "test"))
        {
            (trace, parentId) = (parent!.TraceId, parent.SpanId);
            var chatOptions = LoopScenario.WithTools(TestFunction.Returning(tool, "minus four", """{"type":"object","properties":{"city":{"type":"string"}}}"""));
            List<ChatMessage> messages = [new(ChatRole.User, "Weather?")];
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(messages, chatOptions, TestContext.Current.CancellationToken))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(messages, chatOptions, TestContext.Current.CancellationToken);
            }
        }

        tracer.ForceFlush();
        meter.ForceFlush();

        // Disposing the providers exports once more: keep what the flush exported.
        return (spans.Where(s => s.TraceId == trace && s.SpanId != parentId).ToList(), [.. metrics], tool);
    }

    private static List<MetricPoint> Points(List<MetricSnapshot> metrics, string operation, string tool)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == "gen_ai.client.operation.duration"))
        {
            Assert.Equal("s", metric.Unit);
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                if (Equals(tags.GetValueOrDefault("gen_ai.operation.name"), operation) && (operation != "execute_tool" || Equals(tags.GetValueOrDefault("gen_ai.tool.name"), tool)))
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F39_SpansAndMetrics_OnTheSourceMicrosoftExtensionsAIUsersSubscribeTo(bool streaming)
    {
        var (spans, metrics, tool) = await RunAsync(streaming, "Experimental.Microsoft.Extensions.AI", c => c);

        var orchestrate = Assert.Single(spans, s => s.DisplayName == "orchestrate_tools");
        Assert.Equal("Experimental.Microsoft.Extensions.AI", orchestrate.Source.Name);
        Assert.Equal("orchestrate_tools", orchestrate.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(ToolLoopStopReasons.Completed, orchestrate.GetTagItem("toolloop.stop_reason"));
        Assert.Equal(30, orchestrate.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(7, orchestrate.GetTagItem("gen_ai.usage.output_tokens"));

        var execute = Assert.Single(spans, s => s.DisplayName == "execute_tool " + tool);
        Assert.Equal(orchestrate.SpanId, execute.ParentSpanId);
        Assert.Equal(ActivityKind.Internal, execute.Kind);
        Assert.Equal("execute_tool", execute.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(tool, execute.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("w1", execute.GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal("function", execute.GetTagItem("gen_ai.tool.type"));
        Assert.Equal("""{"city":"Oslo"}""", execute.GetTagItem("gen_ai.tool.call.arguments"));
        Assert.Equal("\"minus four\"", execute.GetTagItem("gen_ai.tool.call.result"));

        var toolPoint = Assert.Single(Points(metrics, "execute_tool", tool));
        Assert.Equal(1, toolPoint.GetHistogramCount());
        Assert.NotEmpty(Points(metrics, "orchestrate_tools", tool));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task F39_UnderOpenTelemetryChatClient_TheLoopBorrowsItsSource_AndModelCallsNestUnderTheLoop(bool streaming)
    {
        var source = "ToolLoop.Tests.Otel." + Guid.NewGuid().ToString("N");
        var (spans, metrics, tool) = await RunAsync(streaming, source, c => c.AsBuilder().UseOpenTelemetry(sourceName: source).Build());

        var orchestrate = Assert.Single(spans, s => s.DisplayName == "orchestrate_tools");
        Assert.Equal(source, orchestrate.Source.Name);
        var chats = spans.Where(s => s.GetTagItem("gen_ai.operation.name") as string == "chat").ToList();
        Assert.Equal(2, chats.Count);
        Assert.All(chats, c => Assert.Equal(orchestrate.SpanId, c.ParentSpanId));
        Assert.Single(spans, s => s.DisplayName == "execute_tool " + tool && s.ParentSpanId == orchestrate.SpanId);
        Assert.Single(Points(metrics, "execute_tool", tool));
        Assert.NotEmpty(Points(metrics, "chat", tool));
    }

    [Fact]
    public async Task F39_SourceName_GivesTheLoopASourceOfItsOwn_AndSensitiveDataIsOffByDefault()
    {
        var source = "ToolLoop.Tests.Own." + Guid.NewGuid().ToString("N");
        var (spans, _, tool) = await RunAsync(false, source, c => c, o => (o.SourceName, o.EnableSensitiveData) = (source, false));

        var execute = Assert.Single(spans, s => s.DisplayName == "execute_tool " + tool);
        Assert.Equal(source, execute.Source.Name);
        Assert.Null(execute.GetTagItem("gen_ai.tool.call.arguments"));
        Assert.Null(execute.GetTagItem("gen_ai.tool.call.result"));
    }

    [Fact]
    public async Task F39_InsideAnAgentSpan_ThereIsNoOrchestrateSpan_AndToolsHangUnderTheAgent()
    {
        var (spans, _, tool) = await RunAsync(false, "Experimental.Microsoft.Extensions.AI", c => c, parentName: "invoke_agent planner");

        Assert.DoesNotContain(spans, s => s.DisplayName == "orchestrate_tools");
        var execute = Assert.Single(spans, s => s.DisplayName == "execute_tool " + tool);
        Assert.Equal(s_test.Name, execute.Source.Name);
    }
}
