namespace ToolLoop;

/// <summary>The family framings as Jinja: default chat templates for models without one, and the macros that write a
/// family's tool calls and tool results (shared by the default templates and by the renderer, which folds calls and
/// results into message text for templates that do not render them).</summary>
internal static partial class FamilyPrompts
{
    /// <summary>A minimal chat template in the family's own framing, for models without a template. Tools are not
    /// rendered here: the renderer adds the family's tool block. A family without its own framing (including
    /// <see cref="ToolCallFormat"/> values added later) gets ChatML with Hermes calls.</summary>
    public static string DefaultTemplate(ToolCallFormat family) => family switch
    {
        ToolCallFormat.Llama3 => Macros(family) + Llama3Template,
        ToolCallFormat.Mistral => Macros(family) + MistralTemplate,
        ToolCallFormat.Gemma4 => Macros(family) + Gemma4Template,
        ToolCallFormat.DeepSeek => Macros(family) + DeepSeekTemplate,
        ToolCallFormat.Glm => Macros(family) + GlmTemplate,
        ToolCallFormat.Kimi => Macros(family) + KimiTemplate,
        _ => Macros(family) + ChatMLTemplate,
    };

    /// <summary>The macros <c>tl_calls(message)</c> (the message's tool calls, after its text) and
    /// <c>tl_results(results)</c> (a run of tool results) in the family's syntax.</summary>
    private static string Macros(ToolCallFormat family) => family switch
    {
        ToolCallFormat.Qwen3Coder => Qwen3CoderMacros + ToolResponseResults,
        ToolCallFormat.Llama3 => Llama3Macros,
        ToolCallFormat.Mistral => MistralMacros,
        ToolCallFormat.Gemma4 => Gemma4Macros,
        ToolCallFormat.DeepSeek => DeepSeekMacros,
        ToolCallFormat.Glm => GlmMacros + ToolResponseResults,
        ToolCallFormat.Kimi => KimiMacros,
        _ => HermesMacros + ToolResponseResults,
    };

    /// <summary>Results as Qwen, Hermes and GLM wrap them: <c>&lt;tool_response&gt;</c> blocks, one per line.</summary>
    private const string ToolResponseResults = """
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {%- if not loop.first %}{{- '\n' }}{%- endif %}
                {{- '<tool_response>\n' ~ r.content ~ '\n</tool_response>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Renders <c>messages[0]</c>'s tool calls (as Qwen2.5 / Hermes write them).</summary>
    private const string HermesMacros = """
        {%- macro tl_calls(message) %}
            {%- for tool_call in message.tool_calls or [] %}
                {%- if message.content or not loop.first %}{{- '\n' }}{%- endif %}
                {{- '<tool_call>\n{"name": "' ~ tool_call.function.name ~ '", "arguments": ' ~ tool_call.function.arguments | tojson ~ '}\n</tool_call>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Qwen3-Coder / Qwen3.5 XML calls, written as Qwen3.5's template writes them.</summary>
    private const string Qwen3CoderMacros = """
        {%- macro tl_calls(message) %}
            {%- for tool_call in message.tool_calls or [] %}
                {%- if not loop.first %}{{- '\n' }}{%- elif message.content | trim %}{{- '\n\n' }}{%- endif %}
                {{- '<tool_call>\n<function=' ~ tool_call.function.name ~ '>\n' }}
                {%- for key, value in tool_call.function.arguments | items %}
                    {{- '<parameter=' ~ key ~ '>\n' ~ (value | tojson if value is mapping or (value is sequence and value is not string) else value | string) ~ '\n</parameter>\n' }}
                {%- endfor %}
                {{- '</function>\n</tool_call>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Llama 3.1 JSON calls (<c>;</c> between several, as servers accept them); results are plain text
    /// (Llama's own results are only marked by the <c>ipython</c> role).</summary>
    private const string Llama3Macros = """
        {%- macro tl_calls(message) %}
            {%- if message.content and message.tool_calls %}{{- '\n\n' }}{%- endif %}
            {%- for tool_call in message.tool_calls or [] %}
                {%- if not loop.first %}{{- '; ' }}{%- endif %}
                {{- '{"name": "' ~ tool_call.function.name ~ '", "parameters": ' ~ tool_call.function.arguments | tojson ~ '}' }}
            {%- endfor %}
        {%- endmacro %}
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {%- if not loop.first %}{{- '\n\n' }}{%- endif %}
                {{- r.content }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Mistral v3 calls and results (Mistral Nemo's <c>[TOOL_CALLS]</c> array and <c>[TOOL_RESULTS]</c> objects).</summary>
    private const string MistralMacros = """
        {%- macro tl_calls(message) %}
            {%- if message.tool_calls %}
                {{- '[TOOL_CALLS][' }}
                {%- for tool_call in message.tool_calls %}
                    {{- '{"name": ' ~ tool_call.function.name | tojson ~ ', "arguments": ' ~ tool_call.function.arguments | tojson ~ ', "id": ' ~ tool_call.id | tojson ~ '}' }}
                    {%- if not loop.last %}{{- ', ' }}{%- endif %}
                {%- endfor %}
                {{- ']' }}
            {%- endif %}
        {%- endmacro %}
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {{- '[TOOL_RESULTS]{"content": ' ~ r.content | tojson ~ ', "call_id": ' ~ r.tool_call_id | tojson ~ '}[/TOOL_RESULTS]' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Gemma 4 calls and responses: bare keys in sorted order, strings between <c>&lt;|"|&gt;</c>, as Gemma 4's
    /// template writes them.</summary>
    private const string Gemma4Macros = """
        {%- macro tl_value(value) %}
            {%- if value is string %}{{- '<|"|>' ~ value ~ '<|"|>' }}
            {%- elif value is boolean %}{{- 'true' if value else 'false' }}
            {%- elif value is mapping %}
                {{- '{' }}
                {%- for key, item in value | dictsort %}
                    {%- if not loop.first %}{{- ',' }}{%- endif %}
                    {{- key ~ ':' ~ tl_value(item) }}
                {%- endfor %}
                {{- '}' }}
            {%- elif value is sequence %}
                {{- '[' }}
                {%- for item in value %}
                    {%- if not loop.first %}{{- ',' }}{%- endif %}
                    {{- tl_value(item) }}
                {%- endfor %}
                {{- ']' }}
            {%- else %}{{- value }}
            {%- endif %}
        {%- endmacro %}
        {%- macro tl_calls(message) %}
            {%- for tool_call in message.tool_calls or [] %}
                {{- '<|tool_call>call:' ~ tool_call.function.name ~ '{' }}
                {%- for key, item in tool_call.function.arguments | dictsort %}
                    {%- if not loop.first %}{{- ',' }}{%- endif %}
                    {{- key ~ ':' ~ tl_value(item) }}
                {%- endfor %}
                {{- '}<tool_call|>' }}
            {%- endfor %}
        {%- endmacro %}
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {{- '<|tool_response>response:' ~ r.name ~ '{value:' ~ tl_value(r.content) ~ '}<tool_response|>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>DeepSeek V3.1 calls and outputs (the syntax its fallback tool prompt describes).</summary>
    private const string DeepSeekMacros = """
        {%- macro tl_calls(message) %}
            {%- if message.tool_calls %}
                {{- '<｜tool▁calls▁begin｜>' }}
                {%- for tool_call in message.tool_calls %}
                    {{- '<｜tool▁call▁begin｜>' ~ tool_call.function.name ~ '<｜tool▁sep｜>' ~ tool_call.function.arguments | tojson ~ '<｜tool▁call▁end｜>' }}
                {%- endfor %}
                {{- '<｜tool▁calls▁end｜>' }}
            {%- endif %}
        {%- endmacro %}
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {{- '<｜tool▁output▁begin｜>' ~ r.content ~ '<｜tool▁output▁end｜>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>GLM 4.5/4.6 calls (string values raw, other values as JSON) and responses.</summary>
    private const string GlmMacros = """
        {%- macro tl_calls(message) %}
            {%- for tool_call in message.tool_calls or [] %}
                {{- '\n<tool_call>' ~ tool_call.function.name }}
                {%- for key, value in tool_call.function.arguments | items %}
                    {{- '\n<arg_key>' ~ key ~ '</arg_key>\n<arg_value>' ~ (value if value is string else value | tojson) ~ '</arg_value>' }}
                {%- endfor %}
                {{- '\n</tool_call>' }}
            {%- endfor %}
        {%- endmacro %}

        """;

    /// <summary>Kimi K2 call sections and <c>## Return of</c> results.</summary>
    private const string KimiMacros = """
        {%- macro tl_calls(message) %}
            {%- if message.tool_calls %}
                {{- '<|tool_calls_section_begin|>' }}
                {%- for tool_call in message.tool_calls %}
                    {{- '<|tool_call_begin|>' ~ tool_call.id ~ '<|tool_call_argument_begin|>' ~ tool_call.function.arguments | tojson ~ '<|tool_call_end|>' }}
                {%- endfor %}
                {{- '<|tool_calls_section_end|>' }}
            {%- endif %}
        {%- endmacro %}
        {%- macro tl_results(results) %}
            {%- for r in results %}
                {%- if not loop.first %}{{- '\n\n' }}{%- endif %}
                {{- '## Return of ' ~ r.tool_call_id ~ '\n' ~ r.content }}
            {%- endfor %}
        {%- endmacro %}

        """;

    private const string ChatMLTemplate = """
        {%- for message in messages %}
            {%- if message.role == "tool" %}
                {%- if loop.first or messages[loop.index0 - 1].role != "tool" %}
                    {{- '<|im_start|>user' }}
                {%- endif %}
                {{- '\n<tool_response>\n' ~ message.content ~ '\n</tool_response>' }}
                {%- if loop.last or messages[loop.index0 + 1].role != "tool" %}
                    {{- '<|im_end|>\n' }}
                {%- endif %}
            {%- else %}
                {{- '<|im_start|>' ~ message.role ~ '\n' }}
                {%- if message.role == "assistant" and message.reasoning_content %}
                    {{- '<think>\n' ~ message.reasoning_content ~ '\n</think>\n\n' }}
                {%- endif %}
                {{- message.content if message.content is string else '' }}
                {{- tl_calls(message) }}
                {{- '<|im_end|>\n' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_start|>assistant\n' }}
            {%- if enable_thinking is defined and enable_thinking is false %}
                {{- '<think>\n\n</think>\n\n' }}
            {%- endif %}
        {%- endif %}
        """;

    private const string Llama3Template = """
        {{- bos_token if bos_token is defined else '' }}
        {%- for message in messages %}
            {%- set role = 'ipython' if message.role == 'tool' else message.role %}
            {{- '<|start_header_id|>' ~ role ~ '<|end_header_id|>\n\n' }}
            {%- if message.tool_calls %}
                {{- tl_calls({'tool_calls': message.tool_calls}) }}
            {%- else %}
                {{- message.content | trim if message.content is string else '' }}
            {%- endif %}
            {{- '<|eot_id|>' }}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
        {%- endif %}
        """;

    private const string MistralTemplate = """
        {{- bos_token if bos_token is defined else '' }}
        {%- for message in messages %}
            {%- if message.role == 'system' %}
                {{- '[SYSTEM_PROMPT]' ~ message.content ~ '[/SYSTEM_PROMPT]' }}
            {%- elif message.role == 'user' %}
                {{- '[INST]' ~ message.content ~ '[/INST]' }}
            {%- elif message.role == 'assistant' %}
                {{- message.content if message.content is string else '' }}
                {{- tl_calls(message) }}
                {{- eos_token if eos_token is defined else '</s>' }}
            {%- elif message.role == 'tool' %}
                {{- tl_results([message]) }}
            {%- endif %}
        {%- endfor %}
        """;

    private const string Gemma4Template = """
        {%- for message in messages %}
            {%- if message.role == 'tool' %}
                {{- tl_results([message]) }}
                {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<turn|>\n' }}{%- endif %}
            {%- else %}
                {{- '<|turn>' ~ ('model' if message.role == 'assistant' else message.role) ~ '\n' ~ (message.content | trim if message.content is string else '') }}
                {{- tl_calls(message) }}
                {%- if not message.tool_calls %}{{- '<turn|>\n' }}{%- endif %}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|turn>model\n' }}
        {%- endif %}
        """;

    private const string DeepSeekTemplate = """
        {{- bos_token if bos_token is defined else '<｜begin▁of▁sentence｜>' }}
        {%- for message in messages if message.role == 'system' %}{{- message.content }}{%- endfor %}
        {%- for message in messages %}
            {%- if message.role == 'user' %}
                {{- '<｜User｜>' ~ message.content }}
            {%- elif message.role == 'assistant' %}
                {{- '<｜Assistant｜>' ~ (message.content if message.content is string else '') }}
                {{- tl_calls(message) }}
                {{- '<｜end▁of▁sentence｜>' }}
            {%- elif message.role == 'tool' %}
                {{- tl_results([message]) }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<｜Assistant｜>' }}
            {%- if enable_thinking is defined and enable_thinking %}{{- '<think>' }}{%- else %}{{- '</think>' }}{%- endif %}
        {%- endif %}
        """;

    private const string GlmTemplate = """
        {{- '[gMASK]<sop>' }}
        {%- for message in messages %}
            {%- if message.role == 'tool' %}
                {%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{- '<|observation|>' }}{%- endif %}
                {{- '\n' ~ tl_results([message]) }}
            {%- else %}
                {{- '<|' ~ message.role ~ '|>\n' ~ (message.content if message.content is string else '') }}
                {{- tl_calls(message) }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|assistant|>' }}
            {%- if enable_thinking is defined and not enable_thinking %}{{- '\n<think></think>' }}{%- endif %}
        {%- endif %}
        """;

    private const string KimiTemplate = """
        {%- for message in messages %}
            {%- if message.role == 'system' %}
                {{- '<|im_system|>system<|im_middle|>' ~ message.content ~ '<|im_end|>' }}
            {%- elif message.role == 'user' %}
                {{- '<|im_user|>user<|im_middle|>' ~ message.content ~ '<|im_end|>' }}
            {%- elif message.role == 'assistant' %}
                {{- '<|im_assistant|>assistant<|im_middle|>' ~ (message.content if message.content is string else '') }}
                {{- tl_calls(message) }}
                {{- '<|im_end|>' }}
            {%- elif message.role == 'tool' %}
                {{- '<|im_system|>tool<|im_middle|>' ~ tl_results([message]) ~ '<|im_end|>' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_assistant|>assistant<|im_middle|>' }}
        {%- endif %}
        """;
}
