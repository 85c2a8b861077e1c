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

    /// <summary>DeepSeek R1, V3 and V3.1 full-width-token tool-call sections.</summary>
    DeepSeek,

    /// <summary>GLM 4.5–4.7: <c>&lt;tool_call&gt;NAME&lt;arg_key&gt;K&lt;/arg_key&gt;&lt;arg_value&gt;V&lt;/arg_value&gt;&lt;/tool_call&gt;</c>.</summary>
    Glm,

    /// <summary>Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;</c> sections with <c>functions.NAME:IDX</c> ids.</summary>
    Kimi,
}
