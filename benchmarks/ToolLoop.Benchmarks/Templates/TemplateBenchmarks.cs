using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// Area 5: three real templates (Qwen3, Gemma 4, Llama 3.1) on a 50-message conversation with 10 tools. Baseline: one
/// steady-state render of the already-mapped inputs; next to it the mapping of M.E.AI messages to template inputs, a
/// first render of a template text never seen before (parse plus render, in a warm process), and
/// <see cref="ChatTemplateRenderer.Render"/> per request (target: at most one render + 20%). The first render in a
/// fresh process (JIT included) is <see cref="TemplateColdStartBenchmarks"/>; Jinja2 is <c>benchmarks/jinja2_bench.py</c>.
/// </summary>
public class TemplateBenchmarks
{
    private string _source = null!;
    private ChatTemplate _template = null!;
    private ChatTemplateOptions _options = null!;
    private JsonObject _variables = null!;
    private ChatTemplateRenderer _renderer = null!;
    private int _unique;

    /// <summary>Gets the templates.</summary>
    public static IEnumerable<TemplateCase> Templates() => TemplateCase.All;

    /// <summary>Gets or sets the template.</summary>
    [ParamsSource(nameof(Templates))]
    public TemplateCase Template { get; set; } = null!;

    /// <summary>Reads and parses the template, maps the inputs once, and checks the renderer puts the template's own prompt out.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = Template.ReadSource();
        _template = ChatTemplate.Parse(_source);
        _options = BenchmarkConversation.TemplateOptions();
        _variables = ChatTemplateInputs.Create(BenchmarkConversation.Messages, BenchmarkConversation.Options, _options);
        _renderer = new ChatTemplateRenderer(_template, Template.Family, _options);
        var prompt = _renderer.Render(BenchmarkConversation.Messages, BenchmarkConversation.Options);
        if (prompt.ToolSource != ToolPromptSource.Template || !prompt.Text.Contains("tool_9_lookup", StringComparison.Ordinal) || !prompt.Text.Contains("Turku", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Template}: the renderer did not render the tools and the history with the template ({prompt.ToolSource}).");
        }

        if (ParseAndRender() != Render())
        {
            throw new InvalidOperationException($"{Template}: a freshly parsed copy renders differently.");
        }
    }

    /// <summary>Baseline: one render of the parsed template with the mapped inputs.</summary>
    [Benchmark(Baseline = true)]
    public string Render() => _template.Render(_variables, _options);

    /// <summary>One render to framing/data segments (what the local adapters tokenize).</summary>
    [Benchmark]
    public IReadOnlyList<TemplateSegment> RenderSegments() => _template.RenderSegments(_variables, _options);

    /// <summary>Mapping the M.E.AI messages and tools to template inputs.</summary>
    [Benchmark]
    public JsonObject MapInputs() => ChatTemplateInputs.Create(BenchmarkConversation.Messages, BenchmarkConversation.Options, _options);

    /// <summary>
    /// A template text seen for the first time: parse and render. The text differs per call by a leading comment, so the
    /// parse cache never answers; the comment renders nothing.
    /// </summary>
    [Benchmark]
    public string ParseAndRender()
    {
        string source = "{# " + (++_unique).ToString(System.Globalization.CultureInfo.InvariantCulture) + " #}" + _source;
        return ChatTemplate.Parse(source).Render(_variables, _options);
    }

    /// <summary>What a request costs an adapter: <see cref="ChatTemplateRenderer.Render"/> from M.E.AI messages to the prompt.</summary>
    [Benchmark]
    public ChatPrompt RendererPerRequest() => _renderer.Render(BenchmarkConversation.Messages, BenchmarkConversation.Options);
}
