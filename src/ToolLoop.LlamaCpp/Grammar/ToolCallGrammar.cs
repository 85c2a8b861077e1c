using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// The grammar of a request's output, per family (<c>shared/formats.md</c>): with tools, one call (or several, unless
/// <see cref="ChatOptions.AllowMultipleToolCalls"/> is false) in the family's syntax, whose name is a declared tool's
/// and whose arguments match that tool's JSON Schema; lazy (free text until the family's call marker) for
/// <see cref="ChatToolMode.Auto"/>, eager for <see cref="ChatToolMode.RequireAny"/> and
/// <see cref="ChatToolMode.RequireSpecific(string)"/>; with a JSON <see cref="ChatOptions.ResponseFormat"/>, the
/// answer matches its schema (or a call, when tools are declared too). What llama-server builds in
/// <c>common/chat.cpp</c> and <c>common/parsers/*</c>.
/// </summary>
/// <remarks>
/// Families: Hermes/Qwen JSON, Qwen3-Coder XML, Llama 3 JSON, Mistral (array, v11 with call ids, v13), GLM and Kimi K2.
/// DeepSeek, Gemma 4 and <see cref="ToolCallFormat.Auto"/> have none: their output is parsed unconstrained.
/// </remarks>
internal static class ToolCallGrammar
{
    private const string Root = "root";

    // Whitespace before a Llama 3 call's name, as the space rule allows it (the grammar must accept what a trigger matched).
    private const string PatternSpace = "(?: |\\n{1,2}[ \\t]{0,20})?";

    /// <summary>Whether <paramref name="format"/> has a call grammar.</summary>
    public static bool Supports(ToolCallFormat format) => format is ToolCallFormat.Hermes or ToolCallFormat.Qwen3Coder or ToolCallFormat.Llama3
        or ToolCallFormat.Mistral or ToolCallFormat.Glm or ToolCallFormat.Kimi;

    /// <summary>
    /// The grammar of a request, or <see langword="null"/> when nothing constrains it (no tools and no JSON response
    /// format, or tools of a family without a call grammar).
    /// </summary>
    /// <param name="format">The family whose syntax the calls are written in.</param>
    /// <param name="tools">The tools declared in the prompt (none for <see cref="ChatToolMode.None"/>).</param>
    /// <param name="options">The request's options (tool mode, parallel calls, response format).</param>
    /// <param name="chatTemplate">The chat template (tells Mistral's variants apart, and whether the model thinks).</param>
    /// <param name="openReasoningCloser">The marker that closes a reasoning block the generation prompt leaves open, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The tool mode requires a function that is not declared, or the response schema cannot be converted.</exception>
    public static GrammarPlan? Plan(ToolCallFormat format, IReadOnlyList<AIFunctionDeclaration> tools, ChatOptions? options, string? chatTemplate, string? openReasoningCloser)
    {
        var converter = new SchemaGrammarConverter();
        var warnings = new List<string>();
        string? response = null;
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            try
            {
                response = ResponseRule(converter, json);
            }
            catch (SchemaConversionException ex)
            {
                throw new ArgumentException("ChatOptions.ResponseFormat's JSON schema cannot be enforced by a grammar: " + ex.Message, nameof(options), ex);
            }
        }

        var required = options?.ToolMode as RequiredChatToolMode;
        IReadOnlyList<AIFunctionDeclaration> callable = tools;
        if (required?.RequiredFunctionName is { } name && tools.Count > 0)
        {
            callable = [.. tools.Where(t => t.Name == name)];
            if (callable.Count == 0)
            {
                throw new ArgumentException($"ChatOptions.ToolMode requires the function '{name}', which ChatOptions.Tools does not declare.", nameof(options));
            }
        }

        string? calls = null;
        IReadOnlyList<string> words = [];
        IReadOnlyList<string> patterns = [];
        if (callable.Count > 0)
        {
            if (!Supports(format))
            {
                warnings.Add($"The {format} format has no call grammar; tool calls are not constrained.");
            }
            else
            {
                var family = new FamilyBuilder(converter, format, chatTemplate, options?.AllowMultipleToolCalls != false, warnings);
                calls = family.Calls(callable);
                (words, patterns) = (family.TriggerWords(callable), family.TriggerPatterns());
            }
        }

        if (calls is null && response is null)
        {
            return warnings.Count == 0 ? null : new GrammarPlan("", Root, true, [], [], warnings);
        }

        var lazy = calls is not null && required is null && response is null;
        if (lazy)
        {
            converter.AddRule(Root, calls!);
        }
        else
        {
            var body = calls is null ? response! : response is null ? calls : calls + " | " + response;
            var reasoning = ReasoningPrefix(converter, chatTemplate, openReasoningCloser);
            converter.AddRule(Root, reasoning is null ? body : reasoning + " (" + body + ")");
        }

        converter.CheckErrors();
        warnings.AddRange(converter.Warnings);
        return new GrammarPlan(converter.FormatGrammar(), Root, lazy, lazy ? words : [], lazy ? patterns : [], warnings);
    }

    private static string ResponseRule(SchemaGrammarConverter converter, ChatResponseFormatJson json)
    {
        if (json.Schema is not { } schema || schema.ValueKind != JsonValueKind.Object)
        {
            // ChatResponseFormat.Json without a schema: a JSON object, as OpenAI's json_object mode.
            return converter.AddPrimitive("object");
        }

        var rule = converter.Visit(SchemaReader.Read(schema), "response");
        converter.CheckErrors();
        return rule;
    }

    // Reasoning before an eager grammar's content: required when the prompt left a block open, optional when the template thinks.
    private static string? ReasoningPrefix(SchemaGrammarConverter converter, string? chatTemplate, string? openReasoningCloser)
    {
        if (openReasoningCloser is { Length: > 0 } closer)
        {
            return Until.AddIncluding(converter, "reasoning", closer) + " space";
        }

        foreach (var (open, close) in new[] { ("<think>", "</think>"), ("[THINK]", "[/THINK]") })
        {
            if (chatTemplate?.Contains(open, StringComparison.Ordinal) == true)
            {
                return "(" + Gbnf.Literal(open) + " " + Until.AddIncluding(converter, "reasoning", close) + " space)?";
            }
        }

        return null;
    }

    /// <summary>The call rules of one family.</summary>
    private sealed class FamilyBuilder(SchemaGrammarConverter converter, ToolCallFormat format, string? chatTemplate, bool parallel, List<string> warnings)
    {
        private bool Has(string marker) => chatTemplate?.Contains(marker, StringComparison.Ordinal) == true;

        private string MistralVariant => Has("[CALL_ID]") ? "v11" : Has("[ARGS]") ? "v13" : "array";

        public IReadOnlyList<string> TriggerWords(IReadOnlyList<AIFunctionDeclaration> tools) => format switch
        {
            ToolCallFormat.Hermes or ToolCallFormat.Glm => ["<tool_call>"],

            // Qwen3-Coder may omit the first <tool_call>; only a declared name counts (bare "<function" is C++'s
            // "#include <functional>"). Thinking templates (Qwen3.5) do not get these: they write the opener.
            ToolCallFormat.Qwen3Coder => Has("<think>") ? ["<tool_call>"] : ["<tool_call>", .. tools.Select(t => "<function=" + t.Name + ">")],
            ToolCallFormat.Llama3 => ["<|python_tag|>"],
            ToolCallFormat.Mistral => ["[TOOL_CALLS]"],
            ToolCallFormat.Kimi => ["<|tool_calls_section_begin|>"],
            _ => [],
        };

        // A Llama 3 JSON call has no marker: it is one only when it starts the output, so the trigger waits for
        // {"name": " there (llama.cpp's trigger does the same).
        public IReadOnlyList<string> TriggerPatterns() => format == ToolCallFormat.Llama3
            ? ["^\\s*(\\{" + PatternSpace + "\"name\"" + PatternSpace + ":" + PatternSpace + "\")"]
            : [];

        public string Calls(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var one = format switch
            {
                ToolCallFormat.Hermes => Hermes(tools),
                ToolCallFormat.Qwen3Coder => Qwen3Coder(tools),
                ToolCallFormat.Llama3 => Llama3(tools),
                ToolCallFormat.Mistral => Mistral(tools),
                ToolCallFormat.Glm => Glm(tools),
                ToolCallFormat.Kimi => Kimi(tools),
                _ => throw new NotSupportedException(format.ToString()),
            };
            return one;
        }

        private string Repeat(string call) => parallel ? call + "+" : call;

        private static string NameLiteral(string name) => Gbnf.Literal(SchemaGrammarConverter.Dump(name));

        private static string RuleName(AIFunctionDeclaration tool) => "tool-" + tool.Name;

        // The rule of a tool's arguments object; a schema that cannot be converted takes any object, with a warning.
        private string Arguments(AIFunctionDeclaration tool)
        {
            if (tool.JsonSchema.ValueKind != JsonValueKind.Object)
            {
                return converter.AddPrimitive("object");
            }

            try
            {
                return converter.Visit(SchemaReader.Read(tool.JsonSchema), RuleName(tool) + "-args");
            }
            catch (SchemaConversionException ex)
            {
                warnings.Add($"The arguments of '{tool.Name}' take any JSON object: {ex.Message}");
                return converter.AddPrimitive("object");
            }
        }

        // {"name": "N", "<argsKey>": ARGS}
        private string JsonCall(AIFunctionDeclaration tool, string argsKey, string? extra = null)
            => converter.AddRule(RuleName(tool) + "-call",
                "\"{\" space \"\\\"name\\\"\" space \":\" space " + NameLiteral(tool.Name) + " space \",\" space " + Gbnf.Literal(SchemaGrammarConverter.Dump(argsKey))
                + " space \":\" space " + Arguments(tool) + (extra is null ? "" : " " + extra) + " space \"}\"");

        private string Choice(string name, IEnumerable<string> alternatives) => converter.AddRule(name, string.Join(" | ", alternatives));

        private string Hermes(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var body = Choice("tool-call-json", tools.Select(t => JsonCall(t, "arguments")));
            var call = converter.AddRule("tool-call", "\"<tool_call>\" space " + body + " space \"</tool_call>\" space");
            return Repeat(call);
        }

        private string Llama3(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var call = Choice("tool-call-json", tools.Select(t => JsonCall(t, "parameters")));
            var calls = parallel ? call + " (space \";\" space " + call + ")*" : call;
            return "(\"<|python_tag|>\" space)? " + calls + " space";
        }

        private string Mistral(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            const string Id = "[a-zA-Z0-9]{9}";
            switch (MistralVariant)
            {
                case "v11":
                    var v11 = Choice("tool-call-body", tools.Select(t => converter.AddRule(RuleName(t) + "-call",
                        Gbnf.Literal(t.Name + "[CALL_ID]") + " " + Id + " \"[ARGS]\" " + Arguments(t))));
                    return Repeat(converter.AddRule("tool-call", "\"[TOOL_CALLS]\" " + v11));
                case "v13":
                    var v13 = Choice("tool-call-body", tools.Select(t => converter.AddRule(RuleName(t) + "-call",
                        Gbnf.Literal(t.Name + "[ARGS]") + " " + Arguments(t))));
                    return Repeat(converter.AddRule("tool-call", "\"[TOOL_CALLS]\" " + v13));
                default:
                    var item = Choice("tool-call-json", tools.Select(t => JsonCall(t, "arguments", "(\",\" space \"\\\"id\\\"\" space \":\" space \"\\\"\" " + Id + " \"\\\"\")?")));
                    var items = parallel ? item + " (\",\" space " + item + ")*" : item;
                    return "\"[TOOL_CALLS]\" \" \"? \"[\" space " + items + " space \"]\"";
            }
        }

        private string Kimi(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var call = Choice("tool-call", tools.Select(t => converter.AddRule(RuleName(t) + "-call",
                Gbnf.Literal("<|tool_call_begin|>functions." + t.Name + ":") + " [0-9]{1,4} \"<|tool_call_argument_begin|>\" " + Arguments(t) + " \"<|tool_call_end|>\"")));
            return "\"<|tool_calls_section_begin|>\" " + Repeat(call) + " \"<|tool_calls_section_end|>\"";
        }

        private string Qwen3Coder(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var function = Choice("tool-function", tools.Select(t => converter.AddRule(RuleName(t) + "-function",
                Gbnf.Literal("<function=" + t.Name + ">\n") + " " + TaggedArguments(t, "<parameter=", "\">\\n\"", "\n</parameter>", " \"\\n\"") + " \"</function>\\n\"")));
            var call = converter.AddRule("tool-call", "\"<tool_call>\\n\" " + function + " \"</tool_call>\" space");
            if (Has("<think>"))
            {
                return Repeat(call);
            }

            // The first call may lack its <tool_call> (Qwen3-Coder does that); the trigger then is <function=NAME>.
            var first = converter.AddRule("tool-call-first", "(" + call + " | " + function + " (\"</tool_call>\" space)?)");
            return parallel ? first + " " + call + "*" : first;
        }

        private string Glm(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var call = Choice("tool-call", tools.Select(t => converter.AddRule(RuleName(t) + "-call",
                Gbnf.Literal("<tool_call>" + t.Name) + " \"\\n\"? " + TaggedArguments(t, "<arg_key>", "\"</arg_key>\" \"\\n\"? \"<arg_value>\"", "</arg_value>", " \"\\n\"?") + " \"</tool_call>\" space")));
            return Repeat(call);
        }

        /// <summary>
        /// Arguments written one tag per parameter (Qwen3-Coder's <c>&lt;parameter=K&gt;</c>, GLM's <c>&lt;arg_key&gt;</c>):
        /// required parameters in schema order, then optional ones in schema order, each at most once. A string
        /// parameter's value is raw text (constrained by its enum, pattern or format when it has one) up to the close
        /// tag; any other value is JSON matching its schema; a parameter that may be a string or something else is raw
        /// text, as llama.cpp does (the parser types it).
        /// </summary>
        /// <param name="tool">The tool.</param>
        /// <param name="keyOpen">The text before a parameter's name.</param>
        /// <param name="keyClose">The GBNF between a parameter's name and its value.</param>
        /// <param name="valueClose">The text that ends a value (a raw value runs to its first occurrence).</param>
        /// <param name="after">The GBNF after a value's close (with a leading space), or empty.</param>
        private string TaggedArguments(AIFunctionDeclaration tool, string keyOpen, string keyClose, string valueClose, string after)
        {
            SchemaNode? schema = null;
            if (tool.JsonSchema.ValueKind == JsonValueKind.Object)
            {
                try
                {
                    schema = SchemaReader.Read(tool.JsonSchema);
                }
                catch (SchemaConversionException ex)
                {
                    warnings.Add($"The arguments of '{tool.Name}' are not constrained: {ex.Message}");
                }
            }

            while (schema is { Kind: SchemaKind.Ref, Target: { } target })
            {
                schema = target;
            }

            var closeRule = Gbnf.Literal(valueClose);
            var afterRule = after;
            if (schema is not { Kind: SchemaKind.Object })
            {
                // No declared parameters to go by: any parameters, any values.
                var anyKey = converter.AddRule("tagged-key", "[^<>\\n]+");
                var anyValue = Until.AddIncluding(converter, "tagged-value" + Index(valueClose), valueClose);
                return "(" + Gbnf.Literal(keyOpen) + " " + anyKey + " " + keyClose + " " + anyValue + afterRule + ")*";
            }

            var rules = new List<(string Rule, bool Required)>();
            foreach (var p in schema.Properties)
            {
                var name = RuleName(tool) + "-param-" + p.Name;
                var types = p.Schema.ValueTypes();
                string value;
                if ((types & JsonValueTypes.String) == 0)
                {
                    value = converter.Visit(p.Schema, name + "-value") + " " + closeRule;
                }
                else if (types == JsonValueTypes.String && converter.VisitRawString(p.Schema, name + "-value") is { } raw)
                {
                    value = raw + " " + closeRule;
                }
                else
                {
                    value = Until.AddIncluding(converter, "tagged-value" + Index(valueClose), valueClose);
                }

                rules.Add((converter.AddRule(name, Gbnf.Literal(keyOpen + p.Name) + " " + keyClose + " " + value + afterRule), p.Required));
            }

            var requiredPart = string.Join(" ", rules.Where(r => r.Required).Select(r => r.Rule));
            var optional = rules.Where(r => !r.Required).Select(r => r.Rule).ToList();
            var optionalPart = string.Join(" ", optional.Select(r => r + "?"));
            var all = string.Join(" ", new[] { requiredPart, optionalPart }.Where(s => s.Length > 0));
            return all.Length == 0 ? "\"\"" : "(" + all + ")";
        }

        private static string Index(string delimiter) => "-" + (delimiter.StartsWith('\n') ? "nl-" : "") + string.Concat(delimiter.Where(char.IsAsciiLetter)).ToLowerInvariant();
    }
}
