namespace ToolLoop.Tests.Parsing;

/// <summary>Format names, and choosing a format from a chat template or a model name.</summary>
public sealed class ToolCallFormatsTests
{
    [Theory]
    [InlineData("auto", ToolCallFormat.Auto)]
    [InlineData("hermes", ToolCallFormat.Hermes)]
    [InlineData("Hermes", ToolCallFormat.Hermes)]
    [InlineData(" qwen3 ", ToolCallFormat.Hermes)]
    [InlineData("qwen2.5", ToolCallFormat.Hermes)]
    [InlineData("qwen3-coder", ToolCallFormat.Qwen3Coder)]
    [InlineData("Qwen3Coder", ToolCallFormat.Qwen3Coder)]
    [InlineData("qwen3.5", ToolCallFormat.Qwen3Coder)]
    [InlineData("llama3", ToolCallFormat.Llama3)]
    [InlineData("LLAMA-3", ToolCallFormat.Llama3)]
    [InlineData("mistral", ToolCallFormat.Mistral)]
    [InlineData("gemma4", ToolCallFormat.Gemma4)]
    [InlineData("gemma-4", ToolCallFormat.Gemma4)]
    [InlineData("deepseek", ToolCallFormat.DeepSeek)]
    [InlineData("DeepSeek", ToolCallFormat.DeepSeek)]
    [InlineData("glm", ToolCallFormat.Glm)]
    [InlineData("kimi", ToolCallFormat.Kimi)]
    [InlineData("kimi-k2", ToolCallFormat.Kimi)]
    public void TryParse_reads_names_aliases_and_enum_names(string name, ToolCallFormat expected)
    {
        Assert.True(ToolCallFormats.TryParse(name, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("gpt-oss")]
    [InlineData("42")]
    [InlineData("-1")]
    [InlineData("hermes,glm")]
    public void TryParse_rejects_unknown_names(string? name)
        => Assert.False(ToolCallFormats.TryParse(name, out _));

    public static TheoryData<ToolCallFormat> Formats() => [.. Enum.GetValues<ToolCallFormat>()];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_alias_parses_back_to_its_format_and_belongs_to_no_other(ToolCallFormat format)
    {
        var aliases = ToolCallFormats.GetAliases(format);
        Assert.Equal(aliases.Count, aliases.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var alias in aliases)
        {
            Assert.True(ToolCallFormats.TryParse(alias, out var back), alias);
            Assert.Equal(format, back);
            Assert.NotEqual(ToolCallFormats.GetName(format), alias);
            foreach (var other in Enum.GetValues<ToolCallFormat>().Where(f => f != format))
            {
                Assert.DoesNotContain(alias, ToolCallFormats.GetAliases(other));
            }
        }
    }

    [Fact]
    public void Aliases_are_listed_for_the_vllm_names_and_none_for_auto()
    {
        Assert.Empty(ToolCallFormats.GetAliases(ToolCallFormat.Auto));
        Assert.Contains("qwen3", ToolCallFormats.GetAliases(ToolCallFormat.Hermes));
        Assert.Contains("llama3-json", ToolCallFormats.GetAliases(ToolCallFormat.Llama3));
        Assert.Contains("kimi-k2", ToolCallFormats.GetAliases(ToolCallFormat.Kimi));
        Assert.Throws<ArgumentOutOfRangeException>(() => ToolCallFormats.GetAliases((ToolCallFormat)99));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_canonical_name_parses_back(ToolCallFormat format)
    {
        Assert.True(ToolCallFormats.TryParse(ToolCallFormats.GetName(format), out var back));
        Assert.Equal(format, back);
    }

    [Theory]
    [InlineData("{%- for tool in tools %}{{ tool | tojson }}{% endfor %}<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>{{- '<|im_start|>assistant\n' }}", ToolCallFormat.Hermes)]
    [InlineData("{{- '<tool_call>\\n<function=' + tool_call.name + '>\\n' }}{%- for k, v in tool_call.arguments|items %}{{- '<parameter=' + k + '>\\n' }}", ToolCallFormat.Qwen3Coder)]
    [InlineData("{%- if message.role == 'ipython' %}<|start_header_id|>ipython<|end_header_id|>\n\n{{ message.content }}<|eot_id|>{%- endif %}{{- '<|python_tag|>' + tool_call.name }}", ToolCallFormat.Llama3)]
    [InlineData("{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}{%- if message.role == 'ipython' %}", ToolCallFormat.Llama3)]
    [InlineData("{%- if message['role'] == 'assistant' %}[TOOL_CALLS]{{ tool_call.function.name }}[ARGS]{{ tool_call.function.arguments }}{%- endif %}[AVAILABLE_TOOLS]", ToolCallFormat.Mistral)]
    [InlineData("{{- '<|tool_call>call:' + function['name'] + '{' -}}{{- key -}}:<|\"|>{{- value -}}<|\"|>{{- '}<tool_call|>' -}}", ToolCallFormat.Gemma4)]
    [InlineData("{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['function']['name'] + '<｜tool▁sep｜>' + tool['function']['arguments'] + '<｜tool▁call▁end｜>'}}", ToolCallFormat.DeepSeek)]
    [InlineData("<tool_call>{{ tc.name }}\n{% for k, v in tc.arguments.items() %}<arg_key>{{ k }}</arg_key>\n<arg_value>{{ v }}</arg_value>\n{% endfor %}</tool_call>", ToolCallFormat.Glm)]
    [InlineData("{%- if message['tool_calls'] -%}<|tool_calls_section_begin|>{%- for tool_call in message['tool_calls'] -%}<|tool_call_begin|>{{ tool_call['id'] }}<|tool_call_argument_begin|>{{ tool_call['function']['arguments'] }}<|tool_call_end|>", ToolCallFormat.Kimi)]
    [InlineData("{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}", ToolCallFormat.Auto)]
    [InlineData("", ToolCallFormat.Auto)]
    [InlineData(null, ToolCallFormat.Auto)]
    public void FromChatTemplate_reads_the_family_markers(string? template, ToolCallFormat expected)
        => Assert.Equal(expected, ToolCallFormats.FromChatTemplate(template));

    [Theory]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", ToolCallFormat.Hermes)]
    [InlineData("Qwen/Qwen3-8B", ToolCallFormat.Hermes)]
    [InlineData("Qwen_QwQ-32B-Q4_K_M.gguf", ToolCallFormat.Hermes)]
    [InlineData("NousResearch/Hermes-3-Llama-3.1-8B", ToolCallFormat.Hermes)]
    [InlineData("ibm-granite/granite-4.0-h-small", ToolCallFormat.Hermes)]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct", ToolCallFormat.Qwen3Coder)]
    [InlineData("Qwen3-Coder-480B-A35B-Instruct-UD-Q2_K_XL.gguf", ToolCallFormat.Qwen3Coder)]
    [InlineData("Qwen/Qwen3.5-27B", ToolCallFormat.Qwen3Coder)]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", ToolCallFormat.Llama3)]
    [InlineData("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", ToolCallFormat.Llama3)]
    [InlineData("Llama-3.2-3B-Instruct-Q8_0.gguf", ToolCallFormat.Llama3)]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", ToolCallFormat.Mistral)]
    [InlineData("Mistral-Small-3.2-24B-Instruct-2506-Q4_K_M.gguf", ToolCallFormat.Mistral)]
    [InlineData("mistralai/Devstral-Small-2507", ToolCallFormat.Mistral)]
    [InlineData("mistralai/Magistral-Small-2509", ToolCallFormat.Mistral)]
    [InlineData("google/gemma-4-31b-it", ToolCallFormat.Gemma4)]
    [InlineData("gemma-4-E4B-it-Q4_K_M.gguf", ToolCallFormat.Gemma4)]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", ToolCallFormat.DeepSeek)]
    [InlineData("DeepSeek-V3.1-Q4_K_M.gguf", ToolCallFormat.DeepSeek)]
    [InlineData("zai-org/GLM-4.5-Air", ToolCallFormat.Glm)]
    [InlineData("GLM-4.7-Flash-Q4_K_M.gguf", ToolCallFormat.Glm)]
    [InlineData("moonshotai/Kimi-K2-Instruct-0905", ToolCallFormat.Kimi)]
    [InlineData("gpt2", ToolCallFormat.Auto)]
    [InlineData("", ToolCallFormat.Auto)]
    [InlineData(null, ToolCallFormat.Auto)]
    public void FromModelName_reads_hugging_face_names_and_gguf_files(string? name, ToolCallFormat expected)
        => Assert.Equal(expected, ToolCallFormats.FromModelName(name));

    [Theory]
    [InlineData("qwen3_coder", ToolCallFormat.Qwen3Coder)]
    [InlineData("llama3_json", ToolCallFormat.Llama3)]
    [InlineData("deepseek_v31", ToolCallFormat.DeepSeek)]
    [InlineData("kimi_k2", ToolCallFormat.Kimi)]
    [InlineData("GLM45", ToolCallFormat.Glm)]
    [InlineData("qwen25", ToolCallFormat.Hermes)]
    public void Parser_names_used_by_other_servers_are_aliases(string name, ToolCallFormat expected)
    {
        Assert.True(ToolCallFormats.TryParse(name, out var format));
        Assert.Equal(expected, format);
    }
}
