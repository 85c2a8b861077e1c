using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.Templates;

public sealed class ChatTemplateRendererTests
{
    private const string ChatMLWithoutTools = """
        {%- for m in messages %}<|im_start|>{{ m.role }}
        {{ m.content }}<|im_end|>
        {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
        {% endif %}
        """;

    private const string ChatMLWithTools = """
        {%- if tools %}<|im_start|>system
        {% for t in tools %}{{ t | tojson }}
        {% endfor %}<|im_end|>
        {% endif %}{%- for m in messages %}<|im_start|>{{ m.role }}
        {{ m.content }}<|im_end|>
        {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
        {% if enable_thinking is defined and not enable_thinking %}<think>

        </think>

        {% endif %}{% endif %}
        """;

    private static readonly AIFunctionDeclaration s_tool = AIFunctionFactory.CreateDeclaration(
        "get_weather", "Weather.", JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}"""));

    private static readonly ChatOptions s_withTools = new() { Tools = [s_tool] };

    private const string ToolJson = """{"type": "function", "function": {"name": "get_weather", "description": "Weather.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}""";

    [Fact]
    public void Template_that_renders_tools_is_used_as_is()
    {
        var renderer = new ChatTemplateRenderer(ChatMLWithTools);
        var prompt = renderer.Render([new(ChatRole.User, "Hi")], s_withTools);
        Assert.Equal(ToolPromptSource.Template, prompt.ToolSource);
        Assert.False(prompt.UsedDefaultTemplate);
        Assert.Equal($"<|im_start|>system\n{ToolJson}\n<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt.Text);
        Assert.Equal("<|im_start|>assistant\n", prompt.GenerationPrompt);
        Assert.Equal(prompt.Text, string.Concat(prompt.Segments.Select(s => s.Text)));
        Assert.Contains(prompt.Segments, s => s.IsData && s.Text == ToolJson);
    }

    [Fact]
    public void Template_that_needs_tools_counts_as_rendering_them()
    {
        // Like Hermes 2 Pro's tool_use template: iterating tools fails when there are none.
        const string needsTools = "{% for t in tools %}{{ t.function.name }};{% endfor %}{% for m in messages %}{{ m.content }}{% endfor %}";
        var prompt = new ChatTemplateRenderer(needsTools, ToolCallFormat.Hermes).Render([new(ChatRole.User, "Hi")], s_withTools);
        Assert.Equal(ToolPromptSource.Template, prompt.ToolSource);
        Assert.Equal("get_weather;Hi", prompt.Text);
        Assert.Throws<TemplateException>(() => new ChatTemplateRenderer(needsTools).Render([new(ChatRole.User, "Hi")]));
    }

    [Fact]
    public void Template_that_requires_the_generation_prompt_has_an_unknown_prefill()
    {
        const string needsPrompt = "{% if not add_generation_prompt %}{{ raise_exception('needs a generation prompt') }}{% endif %}{{ messages[0].content }}<|assistant|>";
        var prompt = new ChatTemplateRenderer(needsPrompt).Render([new(ChatRole.User, "Hi")]);
        Assert.Equal("Hi<|assistant|>", prompt.Text);
        Assert.Equal("", prompt.GenerationPrompt);
    }

    [Fact]
    public void Without_tools_the_source_is_none()
    {
        var prompt = new ChatTemplateRenderer(ChatMLWithTools).Render([new(ChatRole.User, "Hi")]);
        Assert.Equal(ToolPromptSource.None, prompt.ToolSource);
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt.Text);
    }

    [Fact]
    public void Generation_prompt_includes_the_thinking_prefill()
    {
        var renderer = new ChatTemplateRenderer(ChatMLWithTools, options: new ChatTemplateOptions { EnableThinking = false });
        var prompt = renderer.Render([new(ChatRole.User, "Hi")]);
        Assert.Equal("<|im_start|>assistant\n<think>\n\n</think>\n\n", prompt.GenerationPrompt);
        Assert.EndsWith(prompt.GenerationPrompt, prompt.Text, StringComparison.Ordinal);

        var noGen = new ChatTemplateRenderer(ChatMLWithTools, options: new ChatTemplateOptions { AddGenerationPrompt = false }).Render([new(ChatRole.User, "Hi")]);
        Assert.Equal("", noGen.GenerationPrompt);
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n", noGen.Text);
    }

    [Fact]
    public void Hermes_fallback_appends_the_tool_block_to_the_system_message()
    {
        var renderer = new ChatTemplateRenderer(ChatMLWithoutTools, ToolCallFormat.Hermes);
        var prompt = renderer.Render([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")], s_withTools);
        Assert.Equal(ToolPromptSource.FamilyFallback, prompt.ToolSource);
        Assert.StartsWith("<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions", prompt.Text, StringComparison.Ordinal);
        Assert.Contains($"<tools>\n{ToolJson}\n</tools>", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("</tool_call><|im_end|>\n<|im_start|>user\nHi<|im_end|>\n", prompt.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\uE000", prompt.Text, StringComparison.Ordinal);
        Assert.Equal("<|im_start|>assistant\n", prompt.GenerationPrompt);
        Assert.Contains(prompt.Segments, s => s.IsData && s.Text == ToolJson);
        Assert.Contains(prompt.Segments, s => !s.IsData && s.Text.StartsWith("# Tools", StringComparison.Ordinal));
    }

    [Fact]
    public void Hermes_fallback_creates_a_system_message_when_there_is_none()
    {
        var prompt = new ChatTemplateRenderer(ChatMLWithoutTools).Render([new(ChatRole.User, "Hi")], s_withTools);
        Assert.StartsWith("<|im_start|>system\n# Tools\n", prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_refusing_system_messages_gets_the_block_in_the_first_user_message()
    {
        const string noSystem = """
            {%- for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}<start_of_turn>{{ m.role }}
            {{ m.content }}<end_of_turn>
            {% endfor %}
            """;
        var prompt = new ChatTemplateRenderer(noSystem, ToolCallFormat.Hermes).Render([new(ChatRole.User, "Hi")], s_withTools);
        Assert.Equal(ToolPromptSource.FamilyFallback, prompt.ToolSource);
        Assert.StartsWith("<start_of_turn>user\n# Tools\n", prompt.Text, StringComparison.Ordinal);
        // A blank line separates the block from the question (it used to be glued to "</tool_call>").
        Assert.EndsWith("</tool_call>\n\nHi<end_of_turn>\n", prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Llama3_fallback_puts_tools_in_the_first_user_message()
    {
        const string llama = """
            {%- for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>

            {{ m.content | trim }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

            {% endif %}
            """;
        var prompt = new ChatTemplateRenderer(llama, ToolCallFormat.Llama3).Render([new(ChatRole.User, "First"), new(ChatRole.Assistant, "A"), new(ChatRole.User, "Second")], s_withTools);
        Assert.StartsWith("<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"get_weather\"", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("}\n\nFirst<|eot_id|>", prompt.Text, StringComparison.Ordinal);
        Assert.Equal("<|start_header_id|>assistant<|end_header_id|>\n\n", prompt.GenerationPrompt);
    }

    [Fact]
    public void Mistral_fallback_puts_available_tools_before_the_last_user_turn()
    {
        const string mistral = "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}[INST] {{ m.content }}[/INST]{% else %}{{ m.content }}</s>{% endif %}{% endfor %}";
        var prompt = new ChatTemplateRenderer(mistral, ToolCallFormat.Mistral, new ChatTemplateOptions { BosToken = "<s>" })
            .Render([new(ChatRole.User, "One"), new(ChatRole.Assistant, "Two"), new(ChatRole.User, "Three")], s_withTools);
        Assert.Equal($"<s>[INST] One[/INST]Two</s>[AVAILABLE_TOOLS][{ToolJson}][/AVAILABLE_TOOLS][INST] Three[/INST]", prompt.Text);
        Assert.Contains(new TemplateSegment("[AVAILABLE_TOOLS][", false), prompt.Segments);
    }

    [Fact]
    public void Kimi_fallback_declares_tools_at_the_start()
    {
        var prompt = new ChatTemplateRenderer(ChatMLWithoutTools, ToolCallFormat.Kimi).Render([new(ChatRole.User, "Hi")], s_withTools);
        Assert.StartsWith($"<|im_system|>tool_declare<|im_middle|>[{ToolJson}]<|im_end|><|im_start|>user\nHi", prompt.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ToolCallFormat.Auto, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(ToolCallFormat.Hermes, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(ToolCallFormat.Qwen3Coder, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(ToolCallFormat.Llama3, "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    [InlineData(ToolCallFormat.Mistral, "[INST]Hi[/INST]")]
    [InlineData(ToolCallFormat.Gemma4, "<|turn>user\nHi<turn|>\n<|turn>model\n")]
    [InlineData(ToolCallFormat.DeepSeek, "<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜></think>")]
    [InlineData(ToolCallFormat.Glm, "[gMASK]<sop><|user|>\nHi<|assistant|>")]
    [InlineData(ToolCallFormat.Kimi, "<|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|>")]
    public void No_template_uses_the_family_default_framing(ToolCallFormat family, string expected)
    {
        var prompt = new ChatTemplateRenderer((ChatTemplate?)null, family).Render([new(ChatRole.User, "Hi")]);
        Assert.True(prompt.UsedDefaultTemplate);
        Assert.Equal(expected, prompt.Text);
    }

    [Theory]
    [InlineData(ToolCallFormat.Auto, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", "<tool_response>\nsunny\n</tool_response>")]
    [InlineData(ToolCallFormat.Qwen3Coder, "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>", "<tool_response>\nsunny\n</tool_response>")]
    [InlineData(ToolCallFormat.Llama3, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", "<|start_header_id|>ipython<|end_header_id|>\n\nsunny<|eot_id|>")]
    [InlineData(ToolCallFormat.Mistral, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abc123XYZ\"}]", "[TOOL_RESULTS]{\"content\": \"sunny\", \"call_id\": \"abc123XYZ\"}[/TOOL_RESULTS]")]
    [InlineData(ToolCallFormat.Gemma4, "<|tool_call>call:get_weather{city:<|\"|>Paris<|\"|>}<tool_call|>", "<|tool_response>response:get_weather{value:<|\"|>sunny<|\"|>}<tool_response|>")]
    [InlineData(ToolCallFormat.DeepSeek, "<｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜>", "<｜tool▁output▁begin｜>sunny<｜tool▁output▁end｜>")]
    [InlineData(ToolCallFormat.Glm, "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>", "<|observation|>\n<tool_response>\nsunny\n</tool_response>")]
    [InlineData(ToolCallFormat.Kimi, "<|tool_call_begin|>abc123XYZ<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|>", "## Return of abc123XYZ\nsunny")]
    public void Default_framing_renders_history_calls_results_and_the_tool_block(ToolCallFormat family, string call, string result)
    {
        var prompt = new ChatTemplateRenderer((ChatTemplate?)null, family).Render(
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("abc123XYZ", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("abc123XYZ", "sunny")]),
        ], s_withTools);
        Assert.Equal(ToolPromptSource.FamilyFallback, prompt.ToolSource);
        Assert.Contains(call, prompt.Text, StringComparison.Ordinal);
        Assert.Contains(result, prompt.Text, StringComparison.Ordinal);
        Assert.Contains("get_weather", string.Concat(prompt.Segments.Where(s => s.IsData).Select(s => s.Text)), StringComparison.Ordinal);
        Assert.DoesNotContain("\uE000", prompt.Text, StringComparison.Ordinal);
        Assert.Contains(prompt.Segments, s => s.IsData && s.Text.Contains("sunny", StringComparison.Ordinal));
        Assert.DoesNotContain("sunny", string.Concat(prompt.Segments.Where(s => !s.IsData).Select(s => s.Text)), StringComparison.Ordinal);
    }
}
