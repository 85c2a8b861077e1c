namespace ToolLoop;

/// <summary>The tool-call markup a model family writes. See the README's family table.</summary>
public enum ToolCallFormat
{
    /// <summary>Recognise every family's unambiguous markers at once; bare JSON calls only for declared tool names.</summary>
    Auto = 0,

    /// <summary>Hermes 2 Pro / 3, Qwen2.5, Qwen3, QwQ, Granite 4: <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c>.</summary>
    Hermes,

    /// <summary>Qwen3-Coder, Qwen3.5, Nemotron 3 Nano: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=KEY&gt;…</c>.</summary>
    Qwen3Coder,

    /// <summary>Llama 3.1–3.3: <c>&lt;|python_tag|&gt;</c> built-ins and code, and JSON <c>{"name", "parameters"}</c> calls.</summary>
    Llama3,

    /// <summary>Mistral: v0.3 <c>[TOOL_CALLS][…]</c> arrays and v11+ <c>[TOOL_CALLS]NAME[CALL_ID]ID[ARGS]{json}</c> chains, <c>[THINK]</c> reasoning.</summary>
    Mistral,

    /// <summary>Gemma 4: <c>&lt;|tool_call&gt;call:NAME{key:&lt;|"|&gt;value&lt;|"|&gt;}&lt;tool_call|&gt;</c>.</summary>
    Gemma4,

    /// <summary>DeepSeek R1, V3 and V3.1 full-width-token tool-call sections (and V3.2/V4 DSML blocks, see <see cref="DeepSeekDsml"/>).</summary>
    DeepSeek,

    /// <summary>GLM 4.5–4.7: <c>&lt;tool_call&gt;NAME&lt;arg_key&gt;K&lt;/arg_key&gt;&lt;arg_value&gt;V&lt;/arg_value&gt;&lt;/tool_call&gt;</c>.</summary>
    Glm,

    /// <summary>Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;</c> sections with <c>functions.NAME:IDX</c> ids.</summary>
    Kimi,

    /// <summary>
    /// OpenAI gpt-oss "harmony": <c>&lt;|channel|&gt;analysis&lt;|message|&gt;</c> reasoning, <c>final</c>/<c>commentary</c> content, and calls
    /// addressed in a message header, <c>&lt;|start|&gt;assistant to=functions.NAME&lt;|channel|&gt;commentary json&lt;|message|&gt;{json}&lt;|call|&gt;</c>.
    /// </summary>
    GptOss,

    /// <summary>
    /// DeepSeek V3.2 and V4 DSML: <c>&lt;｜DSML｜function_calls&gt;</c> (V4: <c>tool_calls</c>) blocks of
    /// <c>&lt;｜DSML｜invoke name="NAME"&gt;&lt;｜DSML｜parameter name="K" string="true|false"&gt;V&lt;/｜DSML｜parameter&gt;…</c>.
    /// </summary>
    DeepSeekDsml,

    /// <summary>
    /// MiniMax M2: <c>&lt;minimax:tool_call&gt;&lt;invoke name="NAME"&gt;&lt;parameter name="K"&gt;V&lt;/parameter&gt;&lt;/invoke&gt;&lt;/minimax:tool_call&gt;</c>,
    /// values typed by the tool's schema; also MiniMax M3's namespaced <c>]&lt;]minimax[&gt;[&lt;tool_call&gt;</c> blocks with nested elements.
    /// </summary>
    MiniMax,

    /// <summary>ByteDance Seed-OSS: <c>&lt;seed:tool_call&gt;&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;&lt;/function&gt;&lt;/seed:tool_call&gt;</c>, <c>&lt;seed:think&gt;</c> reasoning.</summary>
    SeedOss,

    /// <summary>
    /// Moonshot Kimi K3: <c>&lt;|open|&gt;tools&lt;|sep|&gt;&lt;|open|&gt;call tool="NAME" index="1"&lt;|sep|&gt;&lt;|open|&gt;argument key="K" type="T"&lt;|sep|&gt;V…</c>,
    /// <c>&lt;|open|&gt;think&lt;|sep|&gt;</c> reasoning and <c>&lt;|open|&gt;response&lt;|sep|&gt;</c> content sections.
    /// </summary>
    KimiK3,

    /// <summary>Liquid LFM2 / LFM2.5: Python-style calls <c>&lt;|tool_call_start|&gt;[NAME(k="v", n=1)]&lt;|tool_call_end|&gt;</c>.</summary>
    Lfm2,

    /// <summary>NVIDIA Nemotron Nano v2: <c>&lt;TOOLCALL&gt;[{"name", "arguments"}, …]&lt;/TOOLCALL&gt;</c>.</summary>
    NemotronV2,

    /// <summary>
    /// Cohere Command R7B and Cohere2 MoE: <c>&lt;|START_ACTION|&gt;[{"tool_call_id", "tool_name", "parameters"}, …]&lt;|END_ACTION|&gt;</c>,
    /// <c>&lt;|START_THINKING|&gt;</c> reasoning, <c>&lt;|START_RESPONSE|&gt;</c>/<c>&lt;|START_TEXT|&gt;</c> answers.
    /// </summary>
    CommandR7B,

    /// <summary>IBM Granite 3.x: <c>&lt;|tool_call|&gt;[{"name", "arguments"}, …]</c> with no closer (Granite 4 is <see cref="Hermes"/>).</summary>
    Granite,

    /// <summary>Swiss AI Apertus: <c>&lt;|tools_prefix|&gt;[{"NAME": {…}}, …]&lt;|tools_suffix|&gt;</c>, <c>&lt;|inner_prefix|&gt;</c> reasoning.</summary>
    Apertus,

    /// <summary>
    /// Tencent Hunyuan: Hy3's <c>&lt;tool_calls:opensource&gt;&lt;tool_call:opensource&gt;NAME&lt;tool_sep:opensource&gt;&lt;arg_key:opensource&gt;K…</c>
    /// (and the bare spellings), Hunyuan-A13B's <c>&lt;tool_calls&gt;[{"name", "arguments"}]&lt;/tool_calls&gt;</c>.
    /// </summary>
    Hunyuan,

    /// <summary>Fireworks FireFunction v2: <c> functools[{"name", "arguments"}, …]</c> after the content.</summary>
    FireFunctionV2,

    /// <summary>
    /// MeetKai Functionary: v3.1 <c>&lt;function=NAME&gt;{json}&lt;/function&gt;</c>, v3.2 recipient messages <c>&gt;&gt;&gt;NAME\n{json}</c> and
    /// <c>&gt;&gt;&gt;all\ncontent</c> (the output starts after the prompt's <c>&gt;&gt;&gt;</c>).
    /// </summary>
    Functionary,
}
