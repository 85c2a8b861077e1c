using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// Per-family prompt conventions (shared/formats.md, "Prompt side"): the tool block a family expects when a template
/// does not render tools and where it goes, the family's call and result syntax for templates that do not render
/// those, and a default framing template for when no chat template is available.
/// </summary>
/// <remarks>Every block is written as the family's own templates write it (Qwen2.5 for Hermes, Qwen3.5 for
/// Qwen3-Coder, Llama 3.1, Mistral Nemo, Gemma 4, DeepSeek V3.1's model card, GLM 4.6, Kimi K2); tests compare them
/// with the real templates. A <see cref="ToolCallFormat"/> without its own conventions here (including values added
/// after this code) gets the Hermes ones, the most widely trained tool syntax.</remarks>
internal static partial class FamilyPrompts
{
    private const string GemmaQuote = "<|\"|>";

    private static readonly ConcurrentDictionary<(ToolCallFormat, bool), ChatTemplate> s_folds = new();
    private static readonly ConcurrentDictionary<ToolCallFormat, ChatTemplate> s_defaults = new();

    /// <summary>Where the fallback tool block is placed.</summary>
    internal enum Placement
    {
        /// <summary>In the system message (one is created when absent).</summary>
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

    /// <summary>Whether the tool block goes before the system text (Qwen3.5 writes tools first) or after it.</summary>
    public static bool ToolsBeforeSystemText(ToolCallFormat family) => family == ToolCallFormat.Qwen3Coder;

    /// <summary>The tool block as segments: instructions are framing, tool schemas are data.</summary>
    public static List<TemplateSegment> ToolBlock(ToolCallFormat family, JsonArray tools)
    {
        var segs = new List<TemplateSegment>();
        void F(string s) => segs.Add(new TemplateSegment(s, false));
        void D(string s)
        {
            if (s.Length > 0)
            {
                segs.Add(new TemplateSegment(s, true));
            }
        }

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
                // As Mistral Nemo's template writes them: string fields raw (unescaped), other fields as JSON.
                F("[AVAILABLE_TOOLS][");
                for (int i = 0; i < tools.Count; i++)
                {
                    F("{\"type\": \"function\", \"function\": {");
                    bool first = true;
                    foreach (var kv in tools[i]?["function"] as JsonObject ?? [])
                    {
                        if (kv.Key == "return")
                        {
                            continue;
                        }

                        F(first ? "\"" : ", \"");
                        first = false;
                        D(kv.Key);
                        if (kv.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            F("\": \"");
                            D(v.GetValue<string>());
                            F("\"");
                        }
                        else
                        {
                            F("\": ");
                            D(Dumps(kv.Value, indent: null));
                        }
                    }

                    F(i + 1 < tools.Count ? "}}, " : "}}]");
                }

                F("[/AVAILABLE_TOOLS]");
                break;
            case ToolCallFormat.Kimi:
                F("<|im_system|>tool_declare<|im_middle|>");
                D(Dumps(tools, indent: null));
                F("<|im_end|>");
                break;
            case ToolCallFormat.DeepSeek:
                // DeepSeek V3.1's model card.
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
                try
                {
                    foreach (var t in tools)
                    {
                        F("<|tool>");
                        GemmaDeclaration(segs, PyJson.FromNode(t, null, data: false));
                        F("<tool|>");
                    }
                }
                catch (JinjaRuntimeException e)
                {
                    // Gemma 4's template raises on the same schemas (e.g. an array item type that is a number).
                    throw new TemplateException("The tools cannot be written as Gemma 4 declarations: " + e.Message, e);
                }

                break;
            case ToolCallFormat.Qwen3Coder:
                // Qwen3.5's own intro and reminders.
                F("# Tools\n\nYou have access to the following functions:\n\n<tools>");
                foreach (var t in tools)
                {
                    F("\n");
                    D(Dumps(t, indent: null));
                }

                F("\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:\n\n<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n<parameter=example_parameter_2>\nThis is the value for the second parameter\nthat can span\nmultiple lines\n</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n- Function calls MUST follow the specified format: an inner <function=...></function> block must be nested within <tool_call></tool_call> XML tags\n- Required parameters MUST be specified\n- You may provide optional reasoning for your function call in natural language BEFORE the function call, but NOT after\n- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls\n</IMPORTANT>");
                break;
            default:
                // Hermes / Qwen2.5 (also Auto, GLM's list, and families without conventions of their own).
                F("# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
                foreach (var t in tools)
                {
                    F("\n");
                    D(Dumps(t, indent: null));
                }

                F(family == ToolCallFormat.Glm
                    ? "\n</tools>\n\nFor each function call, output the function name and arguments within the following XML format:\n<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>\n<arg_value>{arg-value-1}</arg_value>\n<arg_key>{arg-key-2}</arg_key>\n<arg_value>{arg-value-2}</arg_value>\n...\n</tool_call>"
                    : "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>");
                break;
        }

        return segs;
    }

    /// <summary>The family's syntax for <paramref name="message"/>'s tool calls, written after the message's text
    /// (with the separator the family puts between text and calls).</summary>
    public static IReadOnlyList<TemplateSegment> Calls(ToolCallFormat family, JsonObject message) =>
        Fold(family, calls: true).RenderSegments(new JsonObject { ["messages"] = new JsonArray(message.DeepClone()) });

    /// <summary>The family's syntax for a run of tool results, as the text of one user turn.</summary>
    public static IReadOnlyList<TemplateSegment> Results(ToolCallFormat family, IEnumerable<JsonObject> results) =>
        Fold(family, calls: false).RenderSegments(new JsonObject { ["messages"] = new JsonArray([.. results.Select(r => r.DeepClone())]) });

    /// <summary>The parsed <see cref="DefaultTemplate"/>, kept for the process (its learned capabilities with it).</summary>
    public static ChatTemplate DefaultChatTemplate(ToolCallFormat family) =>
        s_defaults.GetOrAdd(family, static f => ChatTemplate.Parse(DefaultTemplate(f)));

    private static ChatTemplate Fold(ToolCallFormat family, bool calls) =>
        s_folds.GetOrAdd((family, calls), static key => ChatTemplate.Parse(
            Macros(key.Item1) + (key.Item2 ? "{{- tl_calls(messages[0]) }}" : "{{- tl_results(messages) }}")));

    /// <summary>Python json.dumps of a JSON node (the form templates produce with <c>tojson</c>).</summary>
    internal static string Dumps(JsonNode? node, string? indent) =>
        PyJson.Dumps(PyJson.FromNode(node, null, data: false), indent, indent is null ? ", " : ",", ": ", sortKeys: false, ensureAscii: false);

    // ---- Gemma 4 tool declarations, written as Gemma 4's template writes them ----

    private static readonly string[] s_gemmaStandardKeys = ["description", "type", "properties", "required", "nullable"];

    private static void GemmaDeclaration(List<TemplateSegment> segs, object? tool)
    {
        var fn = Item(tool, "function");
        F(segs, "declaration:");
        D(segs, Py.Str(Item(fn, "name")));
        F(segs, "{description:" + GemmaQuote);
        D(segs, Py.Str(Item(fn, "description")));
        F(segs, GemmaQuote);
        var parameters = Item(fn, "parameters");
        if (Py.Truthy(parameters))
        {
            F(segs, ",parameters:{");
            if (Py.Truthy(Item(parameters, "properties")))
            {
                F(segs, "properties:{");
                GemmaParameters(segs, Item(parameters, "properties"));
                F(segs, "},");
            }

            if (Py.Truthy(Item(parameters, "required")))
            {
                F(segs, "required:[");
                GemmaQuotedList(segs, Item(parameters, "required"));
                F(segs, "],");
            }

            if (Py.Truthy(Item(parameters, "type")))
            {
                F(segs, "type:" + GemmaQuote);
                D(segs, PyUnicode.Upper(Py.Str(Item(parameters, "type"))));
                F(segs, GemmaQuote + "}");
            }
        }

        if (Py.Contains(fn is PyDict ? fn : new PyDict(), "response"))
        {
            var response = Item(fn, "response");
            F(segs, ",response:{");
            if (Py.Truthy(Item(response, "description")))
            {
                F(segs, "description:" + GemmaQuote);
                D(segs, Py.Str(Item(response, "description")));
                F(segs, GemmaQuote + ",");
            }

            if (PyUnicode.Upper(Py.Str(Item(response, "type"))) == "OBJECT")
            {
                F(segs, "type:" + GemmaQuote);
                D(segs, "OBJECT");
                F(segs, GemmaQuote + "}");
            }
        }

        F(segs, "}");
    }

    private static void GemmaParameters(List<TemplateSegment> segs, object? properties)
    {
        bool foundFirst = false;
        foreach (var (key, value) in DictSort(properties))
        {
            if (s_gemmaStandardKeys.Any(k => Py.Eq(k, key)))
            {
                continue;
            }

            if (foundFirst)
            {
                F(segs, ",");
            }

            foundFirst = true;
            bool addComma = false;
            void Comma()
            {
                if (addComma)
                {
                    F(segs, ",");
                }
                else
                {
                    addComma = true;
                }
            }

            D(segs, Py.Str(key));
            F(segs, ":{");
            if (Py.Truthy(Item(value, "description")))
            {
                F(segs, "description:" + GemmaQuote);
                D(segs, Py.Str(Item(value, "description")));
                F(segs, GemmaQuote);
                addComma = true;
            }

            string type = PyUnicode.Upper(Py.Str(Item(value, "type")));
            if (type == "STRING")
            {
                if (Py.Truthy(Item(value, "enum")))
                {
                    Comma();
                    F(segs, "enum:");
                    GemmaArgument(segs, Item(value, "enum"));
                }
            }
            else if (type == "ARRAY" && Item(value, "items") is PyDict items && items.Count > 0)
            {
                Comma();
                F(segs, "items:{");
                bool foundItem = false;
                foreach (var (itemKey, itemValue) in DictSort(items))
                {
                    if (itemValue is null)
                    {
                        continue;
                    }

                    if (foundItem)
                    {
                        F(segs, ",");
                    }

                    foundItem = true;
                    switch (Py.Str(itemKey))
                    {
                        case "properties":
                            F(segs, "properties:{");
                            if (itemValue is PyDict)
                            {
                                GemmaParameters(segs, itemValue);
                            }

                            F(segs, "}");
                            break;
                        case "required":
                            F(segs, "required:[");
                            GemmaQuotedList(segs, itemValue);
                            F(segs, "]");
                            break;
                        case "type":
                            F(segs, "type:");
                            GemmaArgument(segs, Py.IsString(itemValue)
                                ? PyUnicode.Upper(Py.Str(itemValue))
                                : new PyList([.. Py.Iterate(itemValue).Select(x => (object?)PyUnicode.Upper(Py.Str(x)))]));
                            break;
                        default:
                            D(segs, Py.Str(itemKey));
                            F(segs, ":");
                            GemmaArgument(segs, itemValue);
                            break;
                    }
                }

                F(segs, "}");
            }

            if (Py.Truthy(Item(value, "nullable")))
            {
                Comma();
                F(segs, "nullable:true");
            }

            if (type == "OBJECT")
            {
                if (Item(value, "properties") is PyDict nested)
                {
                    Comma();
                    F(segs, "properties:{");
                    GemmaParameters(segs, nested);
                    F(segs, "}");
                }
                else if (value is PyDict)
                {
                    // Gemma 4's template lists the schema's own non-standard keys when an object has no properties.
                    Comma();
                    F(segs, "properties:{");
                    GemmaParameters(segs, value);
                    F(segs, "}");
                }

                if (Py.Truthy(Item(value, "required")))
                {
                    Comma();
                    F(segs, "required:[");
                    GemmaQuotedList(segs, Item(value, "required"));
                    F(segs, "]");
                }
            }

            Comma();
            F(segs, "type:" + GemmaQuote);
            D(segs, type);
            F(segs, GemmaQuote + "}");
        }
    }

    /// <summary>Gemma 4's <c>format_argument</c> with quoted keys.</summary>
    private static void GemmaArgument(List<TemplateSegment> segs, object? argument)
    {
        switch (argument)
        {
            case string or Markup:
                F(segs, GemmaQuote);
                D(segs, Py.Str(argument));
                F(segs, GemmaQuote);
                break;
            case bool b:
                D(segs, b ? "true" : "false");
                break;
            case PyDict:
                {
                    F(segs, "{");
                    bool first = true;
                    foreach (var (key, value) in DictSort(argument))
                    {
                        if (!first)
                        {
                            F(segs, ",");
                        }

                        first = false;
                        F(segs, GemmaQuote);
                        D(segs, Py.Str(key));
                        F(segs, GemmaQuote + ":");
                        GemmaArgument(segs, value);
                    }

                    F(segs, "}");
                    break;
                }

            case PyList list:
                F(segs, "[");
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        F(segs, ",");
                    }

                    GemmaArgument(segs, list.Items[i]);
                }

                F(segs, "]");
                break;
            default:
                D(segs, Py.Str(argument));
                break;
        }
    }

    private static void GemmaQuotedList(List<TemplateSegment> segs, object? items)
    {
        var list = Py.Iterate(items);
        for (int i = 0; i < list.Count; i++)
        {
            F(segs, GemmaQuote);
            D(segs, Py.Str(list[i]));
            F(segs, GemmaQuote + (i + 1 < list.Count ? "," : ""));
        }
    }

    /// <summary>Jinja's <c>x[key]</c>: the item, or undefined (never an error) for a missing key or a non-mapping.</summary>
    private static object? Item(object? obj, string key) =>
        obj is PyDict d && d.TryGetValue(key, out var v) ? v : new Undefined(name: key);

    /// <summary>Jinja's <c>dictsort</c>: items by case-insensitive key, stable.</summary>
    private static List<(object Key, object? Value)> DictSort(object? mapping)
    {
        if (mapping is not PyDict d)
        {
            return [];
        }

        var items = d.Items.Select((kv, i) => (kv.Key, kv.Value, SortKey: kv.Key is string s ? PyUnicode.Lower(s) : kv.Key, Index: i)).ToList();
        Py.Sort(items, (x, y) =>
        {
            int c = Py.Compare(x.SortKey, y.SortKey);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        });
        return [.. items.Select(x => (x.Key, x.Value))];
    }

    private static void F(List<TemplateSegment> segs, string s) => segs.Add(new TemplateSegment(s, false));

    private static void D(List<TemplateSegment> segs, string s)
    {
        if (s.Length > 0)
        {
            segs.Add(new TemplateSegment(s, true));
        }
    }
}
