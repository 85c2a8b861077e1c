using System.Globalization;
using Xunit;
using System.Text;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Templates;

/// <summary>
/// Renders every chat template shipped in llama.cpp's models/templates with every conversation of
/// <see cref="TemplateConversations"/> through ToolLoop and through Python's Jinja2 (configured like
/// transformers), and requires byte-identical output. Each conversation is rendered as
/// <see cref="ChatTemplateInputs"/> maps it and, where that differs, as <see cref="ChatTemplateRenderer"/> shapes it
/// for the template (call-only turns, folded calls and results, a merged system message, the tool block).
/// </summary>
public sealed class RealTemplateComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_real_template_renders_like_Jinja2()
    {
        string dir = TemplateConversations.TemplatesDirectory();
        string python = Environment.GetEnvironmentVariable("TOOLLOOP_PYTHON") ?? "/usr/bin/python3";

        var templates = Directory.GetFiles(dir, "*.jinja").OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.True(templates.Count >= 60, $"expected about 70 templates in {dir}, found {templates.Count}");
        var conversations = TemplateConversations.All().ToList();
        Assert.True(conversations.Count >= 6);

        var cases = new List<(string Id, string Path, JsonObject Context, ChatTemplateOptions Options)>();
        foreach (var path in templates)
        {
            string source = File.ReadAllText(path);
            foreach (var (name, messages, chatOptions, thinking) in conversations)
            {
                bool generationPrompt = !TemplateConversations.IsWithoutGenerationPrompt(name);
                var options = TemplateConversations.Options(thinking, generationPrompt);
                var mapped = TemplateConversations.Variables(messages, chatOptions, thinking, generationPrompt);
                cases.Add(($"{Path.GetFileName(path)}|{name}", path, mapped, options));
                var shaped = JsonNode.Parse(new ChatTemplateRenderer(source, TemplateConversations.FamilyOf(path), options).PrepareVariables(messages, chatOptions).ToJsonString())!.AsObject();
                if (shaped.ToJsonString() != mapped.ToJsonString())
                {
                    cases.Add(($"{Path.GetFileName(path)}|{name}|shaped", path, shaped, options));
                }
            }
        }

        var reference = JinjaReference.Run(python, TemplateConversations.FixedNow, cases.Select(c => (c.Id, c.Path, c.Context)));

        int matched = 0, differed = 0, rejectedBoth = 0, sandboxRendered = 0;
        var failures = new List<string>();
        var rejections = new List<string>();
        foreach (var (id, path, context, options) in cases)
        {
            var expected = reference[id];
            string? actual = null;
            TemplateException? error = null;
            try
            {
                actual = ChatTemplate.Parse(File.ReadAllText(path)).Render(context, options);
            }
            catch (TemplateException e)
            {
                error = e;
            }

            // Any other exception escapes and fails the test: ToolLoop never crashes on a template.
            if (actual is not null)
            {
                CheckSegments(id, path, context, options, actual, failures);
            }

            if (expected.Ok)
            {
                if (actual == expected.Output)
                {
                    matched++;
                }
                else
                {
                    differed++;
                    failures.Add(error is not null
                        ? $"{id}: Jinja2 rendered, ToolLoop raised: {error.Message}"
                        : $"{id}: output differs {FirstDifference(expected.Output!, actual!)}");
                }
            }
            else
            {
                rejections.Add($"{id}: Jinja2 {expected.Kind}: {expected.Error}" + (error is null ? " (ToolLoop rendered)" : $" | ToolLoop: {error.TemplateMessage ?? error.Message}"));
                if (expected.Kind == "sandbox")
                {
                    // ToolLoop allows list/dict mutation (as llama.cpp does): it must then match Jinja2 without the sandbox.
                    if (error is null)
                    {
                        sandboxRendered++;
                        if (actual != expected.UnsandboxedOutput)
                        {
                            differed++;
                            failures.Add(expected.UnsandboxedOutput is null
                                ? $"{id}: unsandboxed Jinja2 failed too, ToolLoop rendered"
                                : $"{id}: differs from unsandboxed Jinja2 {FirstDifference(expected.UnsandboxedOutput, actual!)}");
                        }
                    }
                    else
                    {
                        rejectedBoth++;
                    }
                }
                else if (error is null)
                {
                    differed++;
                    failures.Add($"{id}: Jinja2 raised ({expected.Error}), ToolLoop rendered");
                }
                else
                {
                    rejectedBoth++;
                }
            }
        }

        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"templates: {templates.Count}, conversations: {conversations.Count}, pairs: {cases.Count}");
        summary.AppendLine(CultureInfo.InvariantCulture, $"matched: {matched}, differed: {differed}, rejected by Jinja2: {rejections.Count} (ToolLoop raised too: {rejectedBoth}, sandbox-only refusals ToolLoop rendered identically to unsandboxed Jinja2: {sandboxRendered})");
        summary.AppendLine("Rejected by Jinja2:");
        foreach (var r in rejections)
        {
            summary.AppendLine("  " + r);
        }

        if (failures.Count > 0)
        {
            summary.AppendLine("Differences:");
            foreach (var f in failures)
            {
                summary.AppendLine("  " + f);
            }
        }

        output.WriteLine(summary.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "template-comparison.txt"), summary.ToString());
        Console.WriteLine($"Template comparison: matched {matched}, differed {differed}, rejected {rejections.Count} of {cases.Count} pairs");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} pairs differ from Jinja2:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(matched > 0);
    }

    [Fact]
    public void Renderer_places_tools_for_every_real_template()
    {
        string dir = TemplateConversations.TemplatesDirectory();

        var (_, messages, chatOptions, _) = TemplateConversations.All().Single(c => c.Name == "tools_declared");
        var byTemplate = new List<string>();
        var fallbacks = new List<string>();
        int raised = 0, withGenerationPrompt = 0;
        foreach (var path in Directory.GetFiles(dir, "*.jinja").OrderBy(p => p, StringComparer.Ordinal))
        {
            var renderer = new ChatTemplateRenderer(File.ReadAllText(path), ToolCallFormat.Auto, TemplateConversations.Options(null));
            ChatPrompt prompt;
            try
            {
                prompt = renderer.Render(messages, chatOptions);
            }
            catch (TemplateException e)
            {
                raised++;
                output.WriteLine($"{Path.GetFileName(path)} raised: {e.Message}");
                continue;
            }

            string name = Path.GetFileName(path);
            Assert.True(prompt.ToolSource != ToolPromptSource.None, name);
            Assert.Equal(prompt.Text, string.Concat(prompt.Segments.Select(x => x.Text)));
            Assert.Contains("get_weather", prompt.Text, StringComparison.Ordinal);
            Assert.Contains("search_web", prompt.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("\uE000", prompt.Text, StringComparison.Ordinal);
            // Empty when the template ignores add_generation_prompt (Command R7B always appends its header).
            Assert.EndsWith(prompt.GenerationPrompt, prompt.Text, StringComparison.Ordinal);
            withGenerationPrompt += prompt.GenerationPrompt.Length > 0 ? 1 : 0;
            (prompt.ToolSource == ToolPromptSource.Template ? byTemplate : fallbacks).Add(name);
            if (prompt.ToolSource == ToolPromptSource.FamilyFallback)
            {
                Assert.Contains("<tools>", prompt.Text, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"tools rendered by the template: {byTemplate.Count}; family fallback: {fallbacks.Count} ({string.Join(", ", fallbacks)}); raised: {raised}; non-empty generation prompt: {withGenerationPrompt}");
        Assert.True(withGenerationPrompt > 50, $"only {withGenerationPrompt} generation prompts found");
        Assert.True(byTemplate.Count > 50, $"only {byTemplate.Count} templates rendered tools themselves");
        Assert.NotEmpty(fallbacks);
    }

    [Theory]
    [InlineData("Qwen-Qwen3-0.6B.jinja", false, "<|im_start|>assistant\n<think>\n\n</think>\n\n")]
    [InlineData("Qwen-Qwen3-0.6B.jinja", true, "<|im_start|>assistant\n")]
    [InlineData("Qwen-QwQ-32B.jinja", true, "<|im_start|>assistant\n<think>\n")]
    [InlineData("GLM-4.7-Flash.jinja", true, "<|assistant|><think>")]
    [InlineData("GLM-4.7-Flash.jinja", false, "<|assistant|></think>")]
    public void Generation_prompt_of_real_templates_includes_the_reasoning_prefill(string file, bool thinking, string expected)
    {
        string dir = TemplateConversations.TemplatesDirectory();

        var renderer = new ChatTemplateRenderer(File.ReadAllText(Path.Combine(dir, file)), ToolCallFormat.Auto, TemplateConversations.Options(thinking));
        var prompt = renderer.Render([new(Microsoft.Extensions.AI.ChatRole.User, "Hi")]);
        Assert.Equal(expected, prompt.GenerationPrompt);
        Assert.EndsWith(expected, prompt.Text, StringComparison.Ordinal);
    }

    /// <summary>Text that only ever comes from message contents, reasoning, tool calls, tool results or tool
    /// declarations: it must never be reported as framing.</summary>
    private static readonly string[] s_dataMarkers =
    [
        "forged", "Tower Bridge", "user asks for 2+2", "Zürich", "Look up", "Hello! What can you do", "capital of France",
        "current weather for a city", "Search terms", "Sunny, 22", "Réponds",
    ];

    private static void CheckSegments(string id, string path, JsonObject context, ChatTemplateOptions options, string text, List<string> failures)
    {
        var segments = ChatTemplate.Parse(File.ReadAllText(path)).RenderSegments(context, options);
        if (string.Concat(segments.Select(s => s.Text)) != text)
        {
            failures.Add($"{id}: segments do not add up to the rendered text");
            return;
        }

        string framing = string.Concat(segments.Where(s => !s.IsData).Select(s => s.Text));
        foreach (var marker in s_dataMarkers)
        {
            if (framing.Contains(marker, StringComparison.Ordinal))
            {
                failures.Add($"{id}: data text '{marker}' was reported as framing");
            }
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        static string Show(string s, int at) => System.Text.Json.JsonSerializer.Serialize(s.Substring(Math.Max(0, at - 40), Math.Min(s.Length - Math.Max(0, at - 40), 100)));
        return $"at {i} (lengths {expected.Length} vs {actual.Length}): expected {Show(expected, i)} got {Show(actual, i)}";
    }
}
