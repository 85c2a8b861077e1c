using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// Area 5, first render: the first request a fresh process renders (template parse, input mapping, render and the JIT of
/// all of it), with BenchmarkDotNet's cold-start strategy: a new process per launch, one invocation each. The setup only
/// reads the template file and builds the M.E.AI messages, so nothing of the engine has run before.
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 10, warmupCount: 0, iterationCount: 1, invocationCount: 1, id: "ColdStart")]
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
}
