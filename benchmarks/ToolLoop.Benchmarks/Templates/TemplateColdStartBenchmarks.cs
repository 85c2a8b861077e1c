using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// Area 5, first render: the first request a fresh process renders (template parse, input mapping, render and the JIT of
/// all of it), with BenchmarkDotNet's cold-start strategy: a new process per launch, one invocation each. The setup only
/// reads the template file and builds the M.E.AI messages, so nothing of the engine has run before. CI's Dry run sets
/// <c>TOOLLOOP_BENCH_DRY=1</c>, which leaves the cold-start job out (its ten processes need a separate build); the
/// benchmark itself still runs under the Dry job there.
/// </summary>
[Config(typeof(ColdStartConfig))]
public class TemplateColdStartBenchmarks
{
    private string _source = null!;
    private IReadOnlyList<ChatMessage> _messages = null!;
    private ChatOptions _chatOptions = null!;

    /// <summary>Gets the templates.</summary>
    public static IEnumerable<TemplateCase> Templates() => TemplateCase.All;

    /// <summary>Gets or sets the template.</summary>
    [ParamsSource(nameof(Templates))]
    public TemplateCase Template { get; set; } = null!;

    /// <summary>Reads the file and builds the conversation (no template code runs).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = Template.ReadSource();
        _messages = BenchmarkConversation.Messages;
        _chatOptions = BenchmarkConversation.Options;
    }

    /// <summary>The first request: a renderer from the template text, then one <see cref="ChatTemplateRenderer.Render"/>.</summary>
    [Benchmark]
    public ChatPrompt FirstRequest() =>
        new ChatTemplateRenderer(_source, Template.Family, BenchmarkConversation.TemplateOptions()).Render(_messages, _chatOptions);

    /// <summary>Adds the cold-start job: a new process per launch, ten launches, one invocation each.</summary>
    private sealed class ColdStartConfig : ManualConfig
    {
        public ColdStartConfig()
        {
            if (Environment.GetEnvironmentVariable("TOOLLOOP_BENCH_DRY") != "1")
            {
                AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(10).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithId("ColdStart"));
            }
        }
    }
}
