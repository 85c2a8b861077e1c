using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests.Internal;

public sealed class TemplateFormatDetectionTests
{
    [Theory]
    [InlineData(null, ToolCallFormat.Auto)]
    [InlineData(TinyModelRecipe.ChatMlTemplate, ToolCallFormat.Auto)]
    [InlineData(TestRecipes.Qwen25Template, ToolCallFormat.Hermes)]
    [InlineData("{{ '<tool_call>\\n<function=' + name + '>\\n<parameter=' }}", ToolCallFormat.Qwen3Coder)]
    [InlineData("{{ '<tool_call>' + name + '<arg_key>' }}", ToolCallFormat.Glm)]
    [InlineData("{{ '[TOOL_CALLS]' }}", ToolCallFormat.Mistral)]
    [InlineData("{{ '<|python_tag|>' }}", ToolCallFormat.Llama3)]
    [InlineData("{{ '<|tool_calls_section_begin|>' }}", ToolCallFormat.Kimi)]
    [InlineData("{{ '<｜tool▁calls▁begin｜>' }}", ToolCallFormat.DeepSeek)]
    [InlineData("{{ '<|tool_call>call:' }}", ToolCallFormat.Gemma4)]
    public void The_family_is_read_from_the_template_markers(string? template, ToolCallFormat expected)
        => Assert.Equal(expected, ToolCallFormats.FromChatTemplate(template));

    [Fact]
    public void Detects_the_real_templates_shipped_with_llama_cpp_when_available()
    {
        string? directory = Environment.GetEnvironmentVariable("TOOLLOOP_TEMPLATES_DIR");
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            Assert.Skip("TOOLLOOP_TEMPLATES_DIR is not set (eval \"$(bash eng/fetch-deps.sh)\").");
        }

        ToolCallFormat Read(string name) => ToolCallFormats.FromChatTemplate(File.ReadAllText(Path.Combine(directory, name)));

        Assert.Equal(ToolCallFormat.Hermes, Read("Qwen-Qwen2.5-7B-Instruct.jinja"));
        Assert.Equal(ToolCallFormat.Qwen3Coder, Read("Qwen3-Coder.jinja"));
        Assert.Equal(ToolCallFormat.Llama3, Read("meta-llama-Llama-3.1-8B-Instruct.jinja"));
        Assert.Equal(ToolCallFormat.Mistral, Read("mistralai-Mistral-Nemo-Instruct-2407.jinja"));
        Assert.Equal(ToolCallFormat.Kimi, Read("moonshotai-Kimi-K2.jinja"));
        Assert.Equal(ToolCallFormat.Kimi, Read("Kimi-K2-Thinking.jinja"));
        Assert.Equal(ToolCallFormat.Hermes, Read("Qwen-Qwen3-0.6B.jinja"));
        Assert.Equal(ToolCallFormat.Hermes, Read("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja"));
        Assert.Equal(ToolCallFormat.Qwen3Coder, Read("Qwen3.5-4B.jinja"));
        Assert.Equal(ToolCallFormat.Qwen3Coder, Read("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja"));
        Assert.Equal(ToolCallFormat.Llama3, Read("meta-llama-Llama-3.3-70B-Instruct.jinja"));
        Assert.Equal(ToolCallFormat.Mistral, Read("Mistral-Small-3.2-24B-Instruct-2506.jinja"));
        Assert.Equal(ToolCallFormat.Mistral, Read("unsloth-mistral-Devstral-Small-2507.jinja"));
        Assert.Equal(ToolCallFormat.Gemma4, Read("google-gemma-4-31B-it.jinja"));
        Assert.Equal(ToolCallFormat.DeepSeek, Read("deepseek-ai-DeepSeek-V3.1.jinja"));
        Assert.Equal(ToolCallFormat.DeepSeek, Read("llama-cpp-deepseek-r1.jinja"));
        Assert.Equal(ToolCallFormat.Glm, Read("GLM-4.6.jinja"));
        Assert.Equal(ToolCallFormat.Glm, Read("GLM-4.7-Flash.jinja"));
    }
}
