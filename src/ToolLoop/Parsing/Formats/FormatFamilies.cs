namespace ToolLoop.Parsing;

/// <summary>
/// The one list of families. <see cref="FormatTable"/> registers their markers from it (every family with
/// <see cref="FormatFamily.InAuto"/> for <see cref="ToolCallFormat.Auto"/>), <see cref="ToolCallFormats"/> takes names,
/// aliases and detection from it, and the tests check every entry against its sample and its <c>fixtures/</c> folder.
/// </summary>
/// <remarks>
/// <para>To add a family: add its <see cref="ToolCallFormat"/> value; write <c>Formats/XxxFormat.cs</c> with a
/// <c>Register(FormatTable.Builder)</c> method (reuse the readers in <c>Core/</c>: <see cref="JsonCalls"/> for
/// <c>{"name", "arguments"}</c> bodies, <see cref="TaggedValues"/> for schema-typed tag values,
/// <see cref="GemmaValues"/> for bare <c>key:value</c> bodies, <see cref="SectionRegion"/> for special-token sections);
/// add one line below; add <c>fixtures/&lt;name&gt;/</c> and a sample in the tests' <c>FamilySamples</c>.</para>
/// <para>Order is detection priority, for chat templates and model names alike: a family whose evidence contains
/// another's comes first (DeepSeek before Qwen3-Coder and Hermes, as the R1 distills are named after Qwen and Llama;
/// Qwen3-Coder and GLM before Hermes, whose <c>&lt;tool_call&gt;</c> their templates also hold; Hermes before Llama 3
/// and Mistral, for Hermes-3-Llama and Hermes-2-Pro-Mistral).</para>
/// </remarks>
internal static class FormatFamilies
{
    public static readonly FormatFamily[] All =
    [
        new()
        {
            // Before DeepSeek: "deepseek-v3.2" would otherwise be read as the R1/V3 family by its model name.
            Format = ToolCallFormat.DeepSeekDsml, TurnEnds = DeepSeekFormat.TurnEnds, Name = "deepseek-v32", Register = DeepSeekDsmlFormat.Register,
            Aliases = ["deepseek-v3.2", "deepseekv32", "deepseek-v4", "deepseekv4", "deepseek-dsml", "dsml"],
            TemplateMarkers = [["｜DSML｜"]], ModelNames = ["deepseek-v3.2", "deepseek-v3-2", "deepseek-v32", "deepseek-v4"],
        },
        new()
        {
            // Reads V3.2/V4's DSML blocks too: a V3.2 model run under "deepseek" still has its calls read.
            Format = ToolCallFormat.DeepSeek, TurnEnds = DeepSeekFormat.TurnEnds, Name = "deepseek", Register = static b => { DeepSeekFormat.Register(b); DeepSeekDsmlFormat.Register(b); },
            Aliases = ["deepseek-r1", "deepseek-v3", "deepseekv3", "deepseek-v31", "deepseek-v3.1", "deepseekv31"],
            TemplateMarkers = [["tool▁calls▁begin"], ["tool▁call▁begin"]], ModelNames = ["deepseek"],
        },
        new()
        {
            // Before Hermes: the M3 template also holds "<tool_call>".
            Format = ToolCallFormat.MiniMax, TurnEnds = MiniMaxFormat.TurnEnds, Name = "minimax-m2", Aliases = ["minimax", "minimax-m3", "minimaxm2", "minimaxm3"], Register = MiniMaxFormat.Register,
            TemplateMarkers = [["<minimax:tool_call>"], ["]<]minimax[>["]], ModelNames = ["minimax"],
        },
        new()
        {
            // Before Qwen3-Coder: the template also holds "<function=" and "<parameter=".
            Format = ToolCallFormat.SeedOss, TurnEnds = SeedOssFormat.TurnEnds, Name = "seed-oss", Aliases = ["seedoss", "seed", "bytedance-seed"], Register = SeedOssFormat.Register,
            TemplateMarkers = [["<seed:tool_call>"]], ModelNames = ["seed-oss"],
        },
        new()
        {
            Format = ToolCallFormat.Qwen3Coder, Name = "qwen3-coder", Register = Qwen3CoderFormat.Register,
            Aliases = ["qwen3coder", "qwen3.5", "qwen35", "qwen3-xml", "qwen35-coder"],
            TemplateMarkers = [["<function=", "<parameter="]], ModelNames = ["qwen3-coder", "qwen3.5", "qwen3-5", "nemotron-3", "nemotron3"],
        },
        new()
        {
            Format = ToolCallFormat.Glm, TurnEnds = GlmFormat.TurnEnds, Name = "glm", Register = GlmFormat.Register,
            Aliases = ["glm45", "glm47", "glm-4.5", "glm-4.6", "glm-4.7", "glm4-moe", "glm4"],
            TemplateMarkers = [["<arg_key>"]], ModelNames = ["glm"],
        },
        new()
        {
            Format = ToolCallFormat.Hermes, TurnEnds = HermesFormat.TurnEnds, Name = "hermes", Register = HermesFormat.Register,
            Aliases = ["qwen", "qwen2.5", "qwen25", "qwen3", "granite4", "granite-4"],
            TemplateMarkers = [["<tool_call>"]], ModelNames = ["qwen", "qwq", "hermes", "granite-4", "mimo"],
        },
        new()
        {
            // Not in Auto: "functools[" is ordinary text (Python's module). Before Llama 3, whose model names ("llama-3") it holds.
            Format = ToolCallFormat.FireFunctionV2, Name = "firefunction-v2", Aliases = ["firefunction", "fireworks"], Register = FireFunctionV2Format.Register,
            InAuto = false, TemplateMarkers = [["functools["]], ModelNames = ["firefunction"],
        },
        new()
        {
            // Not in Auto: ">>>" and "<function=" are ordinary text. Before Qwen3-Coder and Llama 3, whose evidence v3.1's template holds.
            Format = ToolCallFormat.Functionary, Name = "functionary", Aliases = ["functionary-v3", "functionary-v3.1", "functionary-v3.2", "meetkai"],
            Register = FunctionaryFormat.Register, InAuto = false,
            TemplateMarkers = [[">>>all"], ["<function=", "<|python_tag|>"]], ModelNames = ["functionary"],
        },
        new()
        {
            Format = ToolCallFormat.Llama3, Name = "llama3", Register = Llama3Format.Register,
            Aliases = ["llama", "llama-3", "llama3-json", "llama3.1", "llama3.2", "llama3.3", "llama32"],
            TemplateMarkers = [["<|python_tag|>"], ["<|start_header_id|>", "ipython"]], ModelNames = ["llama-3", "llama3"],
        },
        new()
        {
            Format = ToolCallFormat.Mistral, TurnEnds = MistralFormat.TurnEnds, Name = "mistral", Aliases = ["magistral", "ministral", "devstral"], Register = MistralFormat.Register,
            TemplateMarkers = [["[TOOL_CALLS]"]], ModelNames = ["mistral", "mixtral", "ministral", "magistral", "devstral", "codestral"],
        },
        new()
        {
            Format = ToolCallFormat.Gemma4, TurnEnds = Gemma4Format.TurnEnds, Name = "gemma4", Aliases = ["gemma", "gemma-4"], Register = Gemma4Format.Register,
            TemplateMarkers = [["<|tool_call>"], ["<|\"|>"]], ModelNames = ["gemma-4", "gemma4"],
        },
        new()
        {
            // Before Kimi K2, whose model names ("kimi") include these.
            Format = ToolCallFormat.KimiK3, TurnEnds = KimiK3Format.TurnEnds, Name = "kimi-k3", Aliases = ["kimik3"], Register = KimiK3Format.Register,
            TemplateMarkers = [["<|open|>", "<|close|>", "<|end_of_msg|>"]], ModelNames = ["kimi-k3"],
        },
        new()
        {
            Format = ToolCallFormat.Kimi, Name = "kimi", Aliases = ["kimi-k2", "kimik2"], Register = KimiFormat.Register,
            TemplateMarkers = [["<|tool_calls_section_begin|>"], ["<|tool_call_begin|>"]], ModelNames = ["kimi"],
        },
        new()
        {
            Format = ToolCallFormat.GptOss, TurnEnds = GptOssFormat.TurnEnds, Name = "gpt-oss", Aliases = ["gptoss", "harmony", "openai"], Register = GptOssFormat.Register,
            TemplateMarkers = [["<|channel|>", "<|message|>"]], ModelNames = ["gpt-oss"],
        },
        new()
        {
            Format = ToolCallFormat.Lfm2, Name = "lfm2", Aliases = ["lfm2.5", "lfm25", "liquid"], Register = Lfm2Format.Register,
            TemplateMarkers = [["<|tool_call_start|>"], ["<|tool_list_start|>"], ["List of tools: ["]], ModelNames = ["lfm2", "lfm-2"],
        },
        new()
        {
            Format = ToolCallFormat.NemotronV2, TurnEnds = NemotronV2Format.TurnEnds, Name = "nemotron-v2", Aliases = ["nemotron-nano-v2", "nemotron-nano"], Register = NemotronV2Format.Register,
            TemplateMarkers = [["<TOOLCALL>"]], ModelNames = ["nemotron-nano-9b-v2", "nemotron-nano-12b-v2", "nemotron-nano-v2"],
        },
        new()
        {
            Format = ToolCallFormat.CommandR7B, TurnEnds = CommandR7BFormat.TurnEnds, Name = "command-r7b", Aliases = ["commandr7b", "cohere", "cohere2moe", "cohere2-moe", "command-a"],
            Register = CommandR7BFormat.Register, TemplateMarkers = [["<|START_ACTION|>"]], ModelNames = ["command-r7b", "command-a"],
        },
        new()
        {
            Format = ToolCallFormat.Granite, Name = "granite", Aliases = ["granite3", "granite-3", "granite-3.3"], Register = GraniteFormat.Register,
            TemplateMarkers = [["<|tool_call|>"]], ModelNames = ["granite-3"],
        },
        new()
        {
            Format = ToolCallFormat.Apertus, TurnEnds = ApertusFormat.TurnEnds, Name = "apertus", Register = ApertusFormat.Register,
            TemplateMarkers = [["<|tools_prefix|>"]], ModelNames = ["apertus"],
        },
        new()
        {
            Format = ToolCallFormat.Hunyuan, TurnEnds = HunyuanFormat.TurnEnds, Name = "hunyuan", Aliases = ["hunyuan-hy3", "hy3", "hy-v3", "hunyuan-a13b"], Register = HunyuanFormat.Register,
            TemplateMarkers = [["hy_Assistant"], [":opensource"]], ModelNames = ["hunyuan", "hy3"],
        },
    ];

    /// <summary>
    /// End-of-turn tokens many vocabularies share (ChatML's, GPT-2's, Llama 3's, Granite's): removed under every format
    /// (see <see cref="FormatFamily.TurnEnds"/>).
    /// </summary>
    public static readonly string[] SharedTurnEnds = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"];

    /// <summary>Gets the family of <paramref name="format"/>, or <see langword="null"/> for <see cref="ToolCallFormat.Auto"/>.</summary>
    public static FormatFamily? Get(ToolCallFormat format) => Array.Find(All, f => f.Format == format);
}
