using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.Templates;

/// <summary>
/// The path a user takes (Microsoft.Extensions.AI messages → <see cref="ChatTemplateRenderer"/>) on every real
/// template of llama.cpp: the model's own tool calls and results reach its prompt, learned capabilities render
/// exactly what per-request detection renders, and the findings of issue 10 hold on the templates that showed them.
/// </summary>
public sealed class RealTemplateHistoryTests(ITestOutputHelper output)
{
    /// <summary>Text of each history conversation that must reach the prompt, whatever the template: tool names,
    /// argument values and result contents (ASCII, so JSON escaping cannot hide them; orphan results excluded).</summary>
    private static readonly Dictionary<string, string[]> s_markers = new(StringComparer.Ordinal)
    {
        ["tool_call_result"] = ["get_weather", "Paris", "celsius", "temperature", "sunny"],
        ["several_calls"] = ["get_weather", "search_web", "London news", "Sunny, 22", "Tower Bridge reopens"],
        // Its only call ends the conversation unanswered: templates may treat a final assistant turn as the start of
        // the reply (Nemotron Nano v2 does), so only the absence of leaks is checked there.
        ["edge_odd_order_emoji"] = [],
        ["untrusted_markup"] = ["search_web", "forged"],
        ["values_big_ints_and_floats"] = ["lookup_record", "12345678901234567890", "2.675"],
        ["values_code_points"] = ["lookup_record", "1.5"],
    };

    [Fact]
    public void Every_real_template_renders_the_models_tool_history()
    {
        var conversations = TemplateConversations.All().Where(c => TemplateConversations.HasToolHistory(c.Messages)).ToList();
        Assert.Equal(s_markers.Count, conversations.Count);
        var failures = new List<string>();
        var folded = new List<string>();
        int rendered = 0, raised = 0;
        foreach (var path in TemplateConversations.RealTemplates())
        {
            string name = Path.GetFileName(path);
            var family = TemplateConversations.FamilyOf(path);
            foreach (var (conversation, messages, chatOptions, thinking) in conversations)
            {
                var renderer = new ChatTemplateRenderer(File.ReadAllText(path), family, TemplateConversations.Options(thinking));
                ChatPrompt prompt;
                try
                {
                    prompt = renderer.Render(messages, chatOptions);
                }
                catch (TemplateException e)
                {
                    // The template refuses the conversation itself (e.g. Mistral's 9-character ids), with or without tools.
                    raised++;
                    output.WriteLine($"{name}|{conversation} raised: {e.Message}");
                    continue;
                }

                rendered++;
                var caps = renderer.EffectiveTemplate.GetCapabilities(renderer.Options);
                if (caps.FoldCalls || caps.FoldResults)
                {
                    folded.Add($"{name} ({(caps.FoldCalls ? "calls" : "")}{(caps.FoldCalls && caps.FoldResults ? "+" : "")}{(caps.FoldResults ? "results" : "")} as {family})");
                }

                foreach (var marker in s_markers[conversation])
                {
                    if (!prompt.Text.Contains(marker, StringComparison.Ordinal))
                    {
                        failures.Add($"{name}|{conversation}: '{marker}' is missing from the prompt");
                    }
                }

                if (prompt.Text.Contains('\uE000', StringComparison.Ordinal) || prompt.Text.Contains('\uE001', StringComparison.Ordinal))
                {
                    failures.Add($"{name}|{conversation}: a placeholder leaked into the prompt");
                }

                Assert.Equal(prompt.Text, string.Concat(prompt.Segments.Select(s => s.Text)));
            }
        }

        output.WriteLine($"rendered {rendered}, raised {raised}; folded by the renderer: {string.Join(", ", folded.Distinct())}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(rendered > 300, $"only {rendered} renders");
    }

    [Fact]
    public void Learned_capabilities_render_exactly_like_per_request_detection()
    {
        var differences = new List<string>();
        int compared = 0;
        foreach (var path in TemplateConversations.RealTemplates())
        {
            string source = File.ReadAllText(path);
            var family = TemplateConversations.FamilyOf(path);
            foreach (var (conversation, messages, chatOptions, thinking) in TemplateConversations.All())
            {
                var options = TemplateConversations.Options(thinking, !TemplateConversations.IsWithoutGenerationPrompt(conversation));
                var learned = TryRender(new ChatTemplateRenderer(source, family, options), messages, chatOptions);
                var detected = TryRender(new ChatTemplateRenderer(source, family, options) { UseLearnedCapabilities = false }, messages, chatOptions);
                compared++;
                string id = $"{Path.GetFileName(path)}|{conversation}";
                if (learned is null || detected is null)
                {
                    if ((learned is null) != (detected is null))
                    {
                        differences.Add($"{id}: only one way raised");
                    }

                    continue;
                }

                if (learned.Text != detected.Text)
                {
                    differences.Add($"{id}: text differs");
                }
                else if (learned.GenerationPrompt != detected.GenerationPrompt)
                {
                    differences.Add($"{id}: generation prompt {Show(learned.GenerationPrompt)} vs {Show(detected.GenerationPrompt)}");
                }
                else if (learned.ToolSource != detected.ToolSource || !learned.Segments.SequenceEqual(detected.Segments))
                {
                    differences.Add($"{id}: tool source or segments differ");
                }
            }
        }

        output.WriteLine($"compared {compared} renders");
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.True(compared > 800);

        static ChatPrompt? TryRender(ChatTemplateRenderer renderer, List<ChatMessage> messages, ChatOptions? options)
        {
            try
            {
                return renderer.Render(messages, options);
            }
            catch (TemplateException)
            {
                return null;
            }
        }
    }

    [Fact]
    public void A_request_renders_the_template_once_unless_the_template_depends_on_the_conversation()
    {
        var extra = new List<string>();
        int requests = 0, single = 0;
        foreach (var path in TemplateConversations.RealTemplates())
        {
            string source = File.ReadAllText(path);
            foreach (var (conversation, messages, chatOptions, thinking) in TemplateConversations.All())
            {
                var options = TemplateConversations.Options(thinking, !TemplateConversations.IsWithoutGenerationPrompt(conversation));
                var renderer = new ChatTemplateRenderer(source, TemplateConversations.FamilyOf(path), options);
                var caps = renderer.EffectiveTemplate.GetCapabilities(options);
                ChatTemplate.CountedTemplate = renderer.EffectiveTemplate;
                ChatTemplate.CountedRenders = 0;
                try
                {
                    renderer.Render(messages, chatOptions);
                }
                catch (TemplateException)
                {
                    continue;
                }
                finally
                {
                    ChatTemplate.CountedTemplate = null;
                }

                requests++;
                int renders = ChatTemplate.CountedRenders;
                if (renders == 1)
                {
                    single++;
                    continue;
                }

                // More renders only where learning could not decide: tools rendered depending on the conversation (one
                // more, two with the fallback block), or a generation prompt not learned for the last role or not at the
                // end of this prompt (one more).
                string id = $"{Path.GetFileName(path)}|{conversation}: {renders} renders";
                extra.Add(id);
                Assert.True(renders <= (caps.RendersTools is null ? 4 : 2), id);
            }
        }

        output.WriteLine($"{single} of {requests} requests rendered once; more: {string.Join("; ", extra)}");
        Assert.True(single >= requests * 0.95, $"only {single} of {requests} requests rendered once");
    }

    [Fact]
    public void DeepSeek_R1_Distill_Llama_renders_its_calls_with_null_content_and_string_arguments()
    {
        // The template renders a call only when content is none, and concatenates the arguments as a string.
        var prompt = RenderHistory("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", ToolCallFormat.DeepSeek);
        Assert.Contains("<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"location\": \"Paris\", \"unit\": \"celsius\"}\n```<｜tool▁call▁end｜>", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("<｜tool▁output▁begin｜>{\"temperature\": 22, \"condition\": \"sunny\"}<｜tool▁output▁end｜>", prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepSeek_R1_Distill_Qwen_gets_no_extra_empty_assistant_turn()
    {
        var prompt = RenderHistory("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", ToolCallFormat.DeepSeek);
        Assert.Contains("<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"location\": \"Paris\", \"unit\": \"celsius\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>", prompt.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<｜Assistant｜><｜end▁of▁sentence｜>", prompt.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("microsoft-Phi-3.5-mini-instruct.jinja")]
    [InlineData("HuggingFaceTB-SmolLM3-3B.jinja")]
    [InlineData("ibm-granite-granite-3.3-2B-Instruct.jinja")]
    [InlineData("llama-cpp-rwkv-world.jinja")]
    public void Templates_that_ignore_calls_get_them_in_the_family_syntax(string file)
    {
        var path = Path.Combine(TemplateConversations.TemplatesDirectory(), file);
        var family = TemplateConversations.FamilyOf(path);
        var prompt = RenderHistory(file, family);
        // The call after the assistant's (empty) text and the result, both in Hermes syntax (these templates name no family).
        Assert.Equal(ToolCallFormat.Auto, family);
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("{\"temperature\": 22, \"condition\": \"sunny\"}", prompt.Text, StringComparison.Ordinal);
        Assert.Contains(prompt.Segments, s => !s.IsData && s.Text.Contains("<tool_call>", StringComparison.Ordinal));
        Assert.Contains(prompt.Segments, s => s.IsData && s.Text == "get_weather");
    }

    [Fact]
    public void Gemma_2_gets_the_tool_block_and_the_system_text_as_separate_paragraphs()
    {
        // Gemma 2 has no system role: the system text joins the first user turn and the tool block goes before both.
        var (_, messages, chatOptions, _) = TemplateConversations.All().Single(c => c.Name == "tools_declared");
        var prompt = new ChatTemplateRenderer(File.ReadAllText(Path.Combine(TemplateConversations.TemplatesDirectory(), "google-gemma-2-2b-it.jinja")), ToolCallFormat.Auto, TemplateConversations.Options(null))
            .Render(messages, chatOptions);
        Assert.Equal(ToolPromptSource.FamilyFallback, prompt.ToolSource);
        Assert.Contains("</tool_call>\n\nYou are a helpful assistant.\n\nWhat's the weather in Paris?<end_of_turn>", prompt.Text, StringComparison.Ordinal);
        Assert.StartsWith("<bos><start_of_turn>user\n# Tools", prompt.Text.Replace("<s>", "<bos>", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static ChatPrompt RenderHistory(string file, ToolCallFormat family)
    {
        var (_, messages, chatOptions, thinking) = TemplateConversations.All().Single(c => c.Name == "tool_call_result");
        var path = Path.Combine(TemplateConversations.TemplatesDirectory(), file);
        return new ChatTemplateRenderer(File.ReadAllText(path), family, TemplateConversations.Options(thinking)).Render(messages, chatOptions);
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
