using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// Per-family prompt conventions (shared/formats.md, "Prompt side"): the tool block a family expects
/// when a template does not render tools, where it goes, and a default framing template for when no
/// chat template is available.
/// </summary>
internal static class FamilyPrompts
{
    /// <summary>Where the fallback tool block is placed.</summary>
    internal enum Placement
    {
        /// <summary>Appended to the system message (one is created when absent).</summary>
        SystemMessage,

        /// <summary>Before the text of the first user message (Llama 3.1 <c>tools_in_user_message</c>).</summary>
        FirstUserMessage,

        /// <summary>Before the <c>[INST]</c> of the last user turn (Mistral v3 <c>[AVAILABLE_TOOLS]</c>).</summary>
        BeforeLastUserTurn,

        /// <summary>At the very start of the prompt (Kimi's <c>tool_declare</c> turn).</summary>
        PromptStart,
    }

    public static Placement PlacementFor(ToolCallFormat family) => family switch
    {
        ToolCallFormat.Llama3 => Placement.FirstUserMessage,
        ToolCallFormat.Mistral => Placement.BeforeLastUserTurn,
        ToolCallFormat.Kimi => Placement.PromptStart,
        _ => Placement.SystemMessage,
    };

    /// <summary>The tool block as segments: instructions are framing, tool schemas are data.</summary>
    public static List<TemplateSegment> ToolBlock(ToolCallFormat family, JsonArray tools)
    {
        var schemas = tools.Select(t => Dumps(t, indent: null)).ToList();
        var segs = new List<TemplateSegment>();
        void F(string s) => segs.Add(new TemplateSegment(s, false));
        void D(string s) => segs.Add(new TemplateSegment(s, true));
        switch (family)
        {
            case ToolCallFormat.Llama3:
                F("Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\nRespond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n");
                foreach (var t in tools)
                {
                    D(Dumps(t, indent: "    "));
                    F("\n\n");
                }

                break;
            case ToolCallFormat.Mistral:
                F("[AVAILABLE_TOOLS]");
                D(Dumps(tools, indent: null));
                F("[/AVAILABLE_TOOLS]");
                break;
            case ToolCallFormat.Kimi:
                F("<|im_system|>tool_declare<|im_middle|>");
                D(Dumps(tools, indent: null));
                F("<|im_end|>");
                break;
            case ToolCallFormat.DeepSeek:
                F("## Tools\nYou have access to the following tools:\n");
                foreach (var t in tools)
                {
                    var fn = t?["function"];
                    F("\n### ");
                    D(fn?["name"]?.GetValue<string>() ?? "");
                    F("\nDescription: ");
                    D(fn?["description"]?.GetValue<string>() ?? "");
                    F("\n\nParameters: ");
                    D(Dumps(fn?["parameters"], indent: null));
                    F("\n");
                }

                F("\nIMPORTANT: ALWAYS adhere to this exact format for tool use:\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>tool_call_name<｜tool▁sep｜>tool_call_arguments<｜tool▁call▁end｜>{additional_tool_calls}<｜tool▁calls▁end｜>\n\nWhere:\n- `tool_call_name` must be an exact match to one of the available tools\n- `tool_call_arguments` must be valid JSON that strictly follows the tool's Parameters Schema\n- For multiple tool calls, chain them directly without separators or spaces");
                break;
            case ToolCallFormat.Gemma4:
                foreach (var t in tools)
                {
                    var fn = t?["function"];
                    F("<|tool>declaration:");
                    D(fn?["name"]?.GetValue<string>() ?? "");
                    F("{description:<|\"|>");
                    D(fn?["description"]?.GetValue<string>() ?? "");
                    F("<|\"|>,parameters:");
                    AppendGemma(segs, fn?["parameters"], upperTypes: true);
                    F("}<tool|>");
                }

                break;
            default:
                F("# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
                foreach (var s in schemas)
                {
                    F("\n");
                    D(s);
                }

                F(family switch
                {
                    ToolCallFormat.Qwen3Coder => "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:\n\n<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n<parameter=example_parameter_2>\nThis is the value for the second parameter\nthat can span\nmultiple lines\n</parameter>\n</function>\n</tool_call>",
                    ToolCallFormat.Glm => "\n</tools>\n\nFor each function call, output the function name and arguments within the following XML format:\n<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>\n<arg_value>{arg-value-1}</arg_value>\n<arg_key>{arg-key-2}</arg_key>\n<arg_value>{arg-value-2}</arg_value>\n...\n</tool_call>",
                    _ => "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>",
                });
                break;
        }

        return segs;
    }

    /// <summary>Python json.dumps of a JSON node (the form templates produce with <c>tojson</c>).</summary>
    internal static string Dumps(JsonNode? node, string? indent) =>
        PyJson.Dumps(PyJson.FromNode(node, null, data: false), indent, indent is null ? ", " : ",", ": ", sortKeys: false, ensureAscii: false);

    private static void AppendGemma(List<TemplateSegment> segs, JsonNode? node, bool upperTypes, string? key = null)
    {
        switch (node)
        {
            case JsonObject obj:
                segs.Add(new TemplateSegment("{", false));
                bool first = true;
                foreach (var kv in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        segs.Add(new TemplateSegment(",", false));
                    }

                    first = false;
                    segs.Add(new TemplateSegment(kv.Key, true));
                    segs.Add(new TemplateSegment(":", false));
                    AppendGemma(segs, kv.Value, upperTypes, kv.Key);
                }

                segs.Add(new TemplateSegment("}", false));
                break;
            case JsonArray arr:
                segs.Add(new TemplateSegment("[", false));
                for (int i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        segs.Add(new TemplateSegment(",", false));
                    }

                    AppendGemma(segs, arr[i], upperTypes);
                }

                segs.Add(new TemplateSegment("]", false));
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                {
                    string s = v.GetValue<string>();
                    segs.Add(new TemplateSegment("<|\"|>", false));
                    segs.Add(new TemplateSegment(upperTypes && key == "type" ? s.ToUpperInvariant() : s, true));
                    segs.Add(new TemplateSegment("<|\"|>", false));
                    break;
                }

            default:
                segs.Add(new TemplateSegment(node?.ToJsonString() ?? "null", true));
                break;
        }
    }

    /// <summary>A minimal chat template in the family's own framing, for models without a template.
    /// Tools are not rendered here: the renderer adds the family's tool block.</summary>
    public static string DefaultTemplate(ToolCallFormat family) => family switch
    {
        ToolCallFormat.Llama3 => Llama3Template,
        ToolCallFormat.Mistral => MistralTemplate,
        ToolCallFormat.Gemma4 => Gemma4Template,
        ToolCallFormat.DeepSeek => DeepSeekTemplate,
        ToolCallFormat.Glm => GlmTemplate,
        ToolCallFormat.Kimi => KimiTemplate,
        ToolCallFormat.Qwen3Coder => ChatMLTemplate.Replace("{%- set xml_calls = false %}", "{%- set xml_calls = true %}", StringComparison.Ordinal),
        _ => ChatMLTemplate,
    };

    private const string ChatMLTemplate = """
        {%- set xml_calls = false %}
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
                {{- message.content }}
                {%- for tool_call in message.tool_calls or [] %}
                    {%- if message.content or not loop.first %}{{- '\n' }}{%- endif %}
                    {%- if xml_calls %}
                        {{- '<tool_call>\n<function=' ~ tool_call.function.name ~ '>\n' }}
                        {%- for key, value in tool_call.function.arguments | items %}
                            {{- '<parameter=' ~ key ~ '>\n' ~ (value | tojson if value is mapping or (value is iterable and value is not string) else value | string) ~ '\n</parameter>\n' }}
                        {%- endfor %}
                        {{- '</function>\n</tool_call>' }}
                    {%- else %}
                        {{- '<tool_call>\n{"name": "' ~ tool_call.function.name ~ '", "arguments": ' ~ tool_call.function.arguments | tojson ~ '}\n</tool_call>' }}
                    {%- endif %}
                {%- endfor %}
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
                {%- for tool_call in message.tool_calls %}
                    {{- '{"name": "' ~ tool_call.function.name ~ '", "parameters": ' ~ tool_call.function.arguments | tojson ~ '}' }}
                {%- endfor %}
            {%- else %}
                {{- message.content | trim }}
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
                {{- message.content }}
                {%- if message.tool_calls %}
                    {{- '[TOOL_CALLS][' }}
                    {%- for tool_call in message.tool_calls %}
                        {{- '{"name": "' ~ tool_call.function.name ~ '", "arguments": ' ~ tool_call.function.arguments | tojson ~ ', "id": "' ~ tool_call.id ~ '"}' }}
                        {%- if not loop.last %}{{- ', ' }}{%- endif %}
                    {%- endfor %}
                    {{- ']' }}
                {%- endif %}
                {{- eos_token if eos_token is defined else '</s>' }}
            {%- elif message.role == 'tool' %}
                {{- '[TOOL_RESULTS]{"content": ' ~ message.content | tojson ~ ', "call_id": "' ~ message.tool_call_id ~ '"}[/TOOL_RESULTS]' }}
            {%- endif %}
        {%- endfor %}
        """;

    private const string Gemma4Template = """
        {%- for message in messages %}
            {%- if message.role == 'tool' %}
                {{- '<|tool_response>response:' ~ message.name ~ '{value:<|"|>' ~ message.content ~ '<|"|>}<tool_response|>' }}
                {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<turn|>\n' }}{%- endif %}
            {%- else %}
                {{- '<|turn>' ~ ('model' if message.role == 'assistant' else message.role) ~ '\n' ~ message.content | trim }}
                {%- for tool_call in message.tool_calls or [] %}
                    {{- '<|tool_call>call:' ~ tool_call.function.name ~ tool_call.function.arguments | tojson ~ '<tool_call|>' }}
                {%- endfor %}
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
                {{- '<｜Assistant｜>' ~ message.content }}
                {%- if message.tool_calls %}
                    {{- '<｜tool▁calls▁begin｜>' }}
                    {%- for tool_call in message.tool_calls %}
                        {{- '<｜tool▁call▁begin｜>' ~ tool_call.function.name ~ '<｜tool▁sep｜>' ~ tool_call.function.arguments | tojson ~ '<｜tool▁call▁end｜>' }}
                    {%- endfor %}
                    {{- '<｜tool▁calls▁end｜>' }}
                {%- endif %}
                {{- '<｜end▁of▁sentence｜>' }}
            {%- elif message.role == 'tool' %}
                {{- '<｜tool▁output▁begin｜>' ~ message.content ~ '<｜tool▁output▁end｜>' }}
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
                {{- '\n<tool_response>\n' ~ message.content ~ '\n</tool_response>' }}
            {%- else %}
                {{- '<|' ~ message.role ~ '|>\n' ~ message.content }}
                {%- for tool_call in message.tool_calls or [] %}
                    {{- '\n<tool_call>' ~ tool_call.function.name }}
                    {%- for key, value in tool_call.function.arguments | items %}
                        {{- '\n<arg_key>' ~ key ~ '</arg_key>\n<arg_value>' ~ (value if value is string else value | tojson) ~ '</arg_value>' }}
                    {%- endfor %}
                    {{- '\n</tool_call>' }}
                {%- endfor %}
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
                {{- '<|im_assistant|>assistant<|im_middle|>' ~ message.content }}
                {%- if message.tool_calls %}
                    {{- '<|tool_calls_section_begin|>' }}
                    {%- for tool_call in message.tool_calls %}
                        {{- '<|tool_call_begin|>' ~ tool_call.id ~ '<|tool_call_argument_begin|>' ~ tool_call.function.arguments | tojson ~ '<|tool_call_end|>' }}
                    {%- endfor %}
                    {{- '<|tool_calls_section_end|>' }}
                {%- endif %}
                {{- '<|im_end|>' }}
            {%- elif message.role == 'tool' %}
                {{- '<|im_system|>tool<|im_middle|>## Return of ' ~ message.tool_call_id ~ '\n' ~ message.content ~ '<|im_end|>' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_assistant|>assistant<|im_middle|>' }}
        {%- endif %}
        """;
}
