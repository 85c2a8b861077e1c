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
    [InlineData("gpt-2")]
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

    /// <summary>The secondary families' real chat templates of llama.cpp's <c>models/templates</c> (TOOLLOOP_TEMPLATES_DIR).</summary>
    [Theory]
    [InlineData("openai-gpt-oss-120b.jinja", ToolCallFormat.GptOss)]
    [InlineData("deepseek-ai-DeepSeek-V3.2.jinja", ToolCallFormat.DeepSeekDsml)]
    [InlineData("deepseek-ai-DeepSeek-V4.jinja", ToolCallFormat.DeepSeekDsml)]
    [InlineData("deepseek-ai-DeepSeek-V4-Flash-0731.jinja", ToolCallFormat.DeepSeekDsml)]
    [InlineData("MiniMax-M2.jinja", ToolCallFormat.MiniMax)]
    [InlineData("MiniMax-M3.jinja", ToolCallFormat.MiniMax)]
    [InlineData("ByteDance-Seed-OSS.jinja", ToolCallFormat.SeedOss)]
    [InlineData("Kimi-K3.jinja", ToolCallFormat.KimiK3)]
    [InlineData("LFM2-8B-A1B.jinja", ToolCallFormat.Lfm2)]
    [InlineData("LFM2.5-8B-A1B.jinja", ToolCallFormat.Lfm2)]
    [InlineData("LFM2.5-Instruct.jinja", ToolCallFormat.Lfm2)]
    [InlineData("NVIDIA-Nemotron-Nano-v2.jinja", ToolCallFormat.NemotronV2)]
    [InlineData("CohereForAI-c4ai-command-r7b-12-2024-tool_use.jinja", ToolCallFormat.CommandR7B)]
    [InlineData("Cohere2MoE.jinja", ToolCallFormat.CommandR7B)]
    [InlineData("ibm-granite-granite-3.3-2B-Instruct.jinja", ToolCallFormat.Granite)]
    [InlineData("Apertus-8B-Instruct.jinja", ToolCallFormat.Apertus)]
    [InlineData("tencent-Hy3.jinja", ToolCallFormat.Hunyuan)]
    [InlineData("fireworks-ai-llama-3-firefunction-v2.jinja", ToolCallFormat.FireFunctionV2)]
    [InlineData("meetkai-functionary-medium-v3.1.jinja", ToolCallFormat.Functionary)]
    [InlineData("meetkai-functionary-medium-v3.2.jinja", ToolCallFormat.Functionary)]
    // Families whose evidence the secondary ones share: still their own.
    [InlineData("Qwen3-Coder.jinja", ToolCallFormat.Qwen3Coder)]
    [InlineData("Qwen3.5-4B.jinja", ToolCallFormat.Qwen3Coder)]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.Llama3)]
    [InlineData("deepseek-ai-DeepSeek-V3.1.jinja", ToolCallFormat.DeepSeek)]
    [InlineData("Kimi-K2-Thinking.jinja", ToolCallFormat.Kimi)]
    [InlineData("ibm-granite-granite-4.0.jinja", ToolCallFormat.Hermes)]
    [InlineData("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja", ToolCallFormat.Qwen3Coder)]
    [InlineData("GLM-4.7-Flash.jinja", ToolCallFormat.Glm)]
    // Not covered (formats.md 9.13, and Command R+'s plain "Action:" text): no family.
    [InlineData("CohereForAI-c4ai-command-r-plus-tool_use.jinja", ToolCallFormat.Auto)]
    [InlineData("openbmb-MiniCPM5-1B.jinja", ToolCallFormat.Auto)]
    public void FromChatTemplate_reads_the_real_templates(string file, ToolCallFormat expected)
    {
        var dir = Environment.GetEnvironmentVariable("TOOLLOOP_TEMPLATES_DIR");
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("TOOLLOOP_TEMPLATES_DIR is not set in CI: .ci/run must eval \"$(bash eng/fetch-deps.sh)\" first.");
            }

            Assert.Skip("Real chat templates not available: run `eval \"$(bash eng/fetch-deps.sh)\"`, then run the tests again.");
        }

        Assert.Equal(expected, ToolCallFormats.FromChatTemplate(File.ReadAllText(Path.Combine(dir, file))));
    }

    [Theory]
    [InlineData("openai/gpt-oss-20b", ToolCallFormat.GptOss)]
    [InlineData("gpt-oss-120b-MXFP4.gguf", ToolCallFormat.GptOss)]
    [InlineData("deepseek-ai/DeepSeek-V3.2-Exp", ToolCallFormat.DeepSeekDsml)]
    [InlineData("DeepSeek-V4-Flash-Q4_K_M.gguf", ToolCallFormat.DeepSeekDsml)]
    [InlineData("deepseek-ai/DeepSeek-V3.1-Terminus", ToolCallFormat.DeepSeek)]
    [InlineData("MiniMaxAI/MiniMax-M2", ToolCallFormat.MiniMax)]
    [InlineData("ByteDance-Seed/Seed-OSS-36B-Instruct", ToolCallFormat.SeedOss)]
    [InlineData("moonshotai/Kimi-K3", ToolCallFormat.KimiK3)]
    [InlineData("moonshotai/Kimi-K2-Instruct", ToolCallFormat.Kimi)]
    [InlineData("LiquidAI/LFM2-8B-A1B", ToolCallFormat.Lfm2)]
    [InlineData("LFM2.5-1.2B-Instruct-Q8_0.gguf", ToolCallFormat.Lfm2)]
    [InlineData("nvidia/NVIDIA-Nemotron-Nano-9B-v2", ToolCallFormat.NemotronV2)]
    [InlineData("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B", ToolCallFormat.Qwen3Coder)]
    [InlineData("CohereForAI/c4ai-command-r7b-12-2024", ToolCallFormat.CommandR7B)]
    [InlineData("ibm-granite/granite-3.3-8b-instruct", ToolCallFormat.Granite)]
    [InlineData("ibm-granite/granite-4.0-h-small", ToolCallFormat.Hermes)]
    [InlineData("swiss-ai/Apertus-8B-Instruct-2509", ToolCallFormat.Apertus)]
    [InlineData("tencent/Hunyuan-A13B-Instruct", ToolCallFormat.Hunyuan)]
    [InlineData("fireworks-ai/llama-3-firefunction-v2", ToolCallFormat.FireFunctionV2)]
    [InlineData("meetkai/functionary-medium-v3.1", ToolCallFormat.Functionary)]
    public void FromModelName_reads_the_secondary_families(string name, ToolCallFormat expected)
        => Assert.Equal(expected, ToolCallFormats.FromModelName(name));

    [Theory]
    [InlineData("openai", ToolCallFormat.GptOss)]
    [InlineData("harmony", ToolCallFormat.GptOss)]
    [InlineData("deepseek_v32", ToolCallFormat.DeepSeekDsml)]
    [InlineData("deepseek_v4", ToolCallFormat.DeepSeekDsml)]
    [InlineData("minimax_m2", ToolCallFormat.MiniMax)]
    [InlineData("minimax_m3", ToolCallFormat.MiniMax)]
    [InlineData("seed_oss", ToolCallFormat.SeedOss)]
    [InlineData("kimi_k3", ToolCallFormat.KimiK3)]
    [InlineData("lfm2", ToolCallFormat.Lfm2)]
    [InlineData("granite", ToolCallFormat.Granite)]
    [InlineData("hy_v3", ToolCallFormat.Hunyuan)]
    [InlineData("hunyuan_a13b", ToolCallFormat.Hunyuan)]
    [InlineData("apertus", ToolCallFormat.Apertus)]
    [InlineData("FireFunctionV2", ToolCallFormat.FireFunctionV2)]
    public void Secondary_parser_names_used_by_other_servers_are_aliases(string name, ToolCallFormat expected)
    {
        Assert.True(ToolCallFormats.TryParse(name, out var format));
        Assert.Equal(expected, format);
    }
}
