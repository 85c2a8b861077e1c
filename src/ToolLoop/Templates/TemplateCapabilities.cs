using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// What a chat template does with the parts of a conversation, learned once per template and keyword arguments by
/// rendering small probe conversations (as llama.cpp's <c>caps.cpp</c> does, but judged from the output): whether it
/// takes a system message, renders declared tools, renders assistant tool calls (and with <c>content</c> null or
/// empty, arguments as an object or a JSON string), renders tool results, and which generation prompt it appends
/// after a conversation ending in each role.
/// </summary>
/// <remarks>Immutable once learned; <see cref="ChatTemplate"/> caches one instance per keyword-argument set.</remarks>
internal sealed class TemplateCapabilities
{
    private const string SystemMarker = "ToolLoopProbeSystem";
    private const string UserMarker = "ToolLoopProbeUser";
    private const string ArgumentMarker = "ToolLoopProbeArgument";
    private const string ResultMarker = "ToolLoopProbeResult";
    private const string AnswerMarker = "ToolLoopProbeAnswer";
    private const string CallText = "ToolLoopProbeCallText";
    private const string ProbeTool = "toolloop_probe";
    private const string ProbeCallId = "probe0001";

    private TemplateCapabilities()
    {
    }

    /// <summary>The template renders a system message's text (false: it raises or drops it).</summary>
    public bool SupportsSystem { get; private init; } = true;

    /// <summary>The template renders declared tools; null when that depends on the conversation (decided per request).</summary>
    public bool? RendersTools { get; private init; }

    /// <summary>Call-only assistant turns get <c>content: null</c> (the OpenAI wire shape) rather than <c>""</c>.</summary>
    public bool CallContentNull { get; private init; }

    /// <summary>Call arguments go to the template as a JSON string rather than an object.</summary>
    public bool StringArguments { get; private init; }

    /// <summary>The template renders one call per assistant turn (it drops or refuses a second one): each call becomes
    /// its own turn, followed by its result.</summary>
    public bool SplitParallelCalls { get; private init; }

    /// <summary>The template drops the calls of a turn that also has text: the text becomes a turn of its own before the calls.</summary>
    public bool SplitTextFromCalls { get; private init; }

    /// <summary>The template does not render tool calls: they are written after the assistant's text in the family's syntax.</summary>
    public bool FoldCalls { get; private init; }

    /// <summary>The template does not render tool results: they become a user turn in the family's syntax.</summary>
    public bool FoldResults { get; private init; }

    /// <summary>The generation prompt after a conversation whose last message has the key's role, where every probe
    /// ending in that role agreed; a role missing here is decided per request with a second render.</summary>
    public IReadOnlyDictionary<string, string> GenerationPrompts { get; private set; } = new Dictionary<string, string>();

    /// <summary>Probes <paramref name="template"/> with <paramref name="options"/>' keyword arguments.</summary>
    public static TemplateCapabilities Learn(ChatTemplate template, ChatTemplateOptions options)
    {
        var probe = new Prober(template, options);
        bool supportsSystem = probe.Render([SystemMessage(), User()], null, true) is { } sys && sys.Contains(SystemMarker, StringComparison.Ordinal)
            || probe.Render([SystemMessage(), User()], Tools(), true) is { } sysTools && sysTools.Contains(SystemMarker, StringComparison.Ordinal);

        bool? rendersTools = null;
        JsonObject[][] toolShapes = supportsSystem ? [[SystemMessage(), User()], [User()]] : [[User()]];
        foreach (var shape in toolShapes)
        {
            string? with = probe.Render(shape, Tools(), true);
            string? without = probe.Render(shape, null, true);
            bool? verdict = with is null ? null : without is null || with != without;
            if (verdict is null)
            {
                continue;
            }

            if (rendersTools is null || rendersTools == verdict)
            {
                rendersTools = verdict;
            }
            else
            {
                rendersTools = null;
                break;
            }
        }

        var (contentNull, stringArgs, foldCalls, foldResults) = LearnCalls(probe);
        bool splitParallel = false, splitText = false;
        if (!foldCalls)
        {
            // Two calls in one turn: both must reach the prompt.
            var two = CallConversation(contentNull, stringArgs, foldResults, calls: 2);
            splitParallel = probe.RenderWithOrWithoutTools(two) is not { } both || !both.Contains(ArgumentMarker + "2", StringComparison.Ordinal);

            // Text and a call in one turn: the call must reach the prompt.
            var withText = CallConversation(contentNull, stringArgs, foldResults, text: CallText);
            splitText = probe.RenderWithOrWithoutTools(withText) is not { } mixed || !mixed.Contains(ArgumentMarker, StringComparison.Ordinal);
        }

        var caps = new TemplateCapabilities
        {
            SupportsSystem = supportsSystem,
            RendersTools = rendersTools,
            CallContentNull = contentNull,
            StringArguments = stringArgs,
            SplitParallelCalls = splitParallel,
            SplitTextFromCalls = splitText,
            FoldCalls = foldCalls,
            FoldResults = foldResults,
        };
        caps.GenerationPrompts = LearnGenerationPrompts(probe, caps);
        return caps;
    }

    private static (bool ContentNull, bool StringArgs, bool FoldCalls, bool FoldResults) LearnCalls(Prober probe)
    {
        // Preference: the OpenAI shape (content null, object arguments), then an empty content, then string arguments.
        (bool Null, bool String)[] variants = [(true, false), (false, false), (true, true), (false, true)];
        var outputs = new Dictionary<(bool, bool), string?>();
        foreach (var v in variants)
        {
            outputs[v] = probe.RenderWithOrWithoutTools(CallConversation(v.Null, v.String, foldResults: false));
        }

        foreach (var v in variants)
        {
            string? output = outputs[v];
            if (output is null || !output.Contains(ArgumentMarker, StringComparison.Ordinal))
            {
                continue;
            }

            // A template that prints a null content writes "None" into the prompt: that shape is wrong for it.
            if (v.Null && Count(output, "None") > Count(outputs[(false, v.String)] ?? "", "None"))
            {
                continue;
            }

            if (output.Contains(ResultMarker, StringComparison.Ordinal))
            {
                return (v.Null, v.String, false, false);
            }

            string? folded = probe.RenderWithOrWithoutTools(CallConversation(v.Null, v.String, foldResults: true));
            if (folded is not null && folded.Contains(ArgumentMarker, StringComparison.Ordinal) && folded.Contains(ResultMarker, StringComparison.Ordinal))
            {
                return (v.Null, v.String, false, true);
            }
        }

        if (outputs.Values.All(o => o is null))
        {
            // The template refuses every shape: if it takes the calls and results as text (Gemma 2 refuses a tool role),
            // fold both; if it refuses that too, it needs inputs the probes lack, so keep the plain mapping.
            bool takesText = probe.RenderWithOrWithoutTools(CallConversation(false, false, foldResults: true, foldCalls: true)) is not null;
            return (false, false, takesText, takesText);
        }

        // No shape renders the calls: write them into the assistant's text, and the results too unless the template shows them.
        string? calls = probe.RenderWithOrWithoutTools(CallConversation(false, false, foldResults: false, foldCalls: true));
        bool foldResults = calls is null || !calls.Contains(ResultMarker, StringComparison.Ordinal);
        return (false, false, true, foldResults);
    }

    private static Dictionary<string, string> LearnGenerationPrompts(Prober probe, TemplateCapabilities caps)
    {
        var shapes = new List<JsonArray>
        {
            new JsonArray(),
            new([User()]),
            new([User(), Answer(), User()]),
            CallConversation(caps, endAfterResults: true),
            CallConversation(caps, endAfterResults: false),
            new([User(), Answer()]),
        };
        if (caps.SupportsSystem)
        {
            shapes.Add(new([SystemMessage(), User()]));
        }

        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        var conflicting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shape in shapes)
        {
            string role = shape.Count > 0 ? ConversationShaper.Role(shape[^1]) ?? "" : "";
            foreach (var tools in new[] { null, Tools() })
            {
                string? full = probe.Render(shape, tools, true);
                if (full is null)
                {
                    continue;
                }

                // As the renderer computes it per request: the suffix after the render without the generation prompt,
                // empty when that render fails or is not a prefix.
                string? head = probe.Render(shape, tools, false);
                string prompt = head is not null && full.StartsWith(head, StringComparison.Ordinal) ? full[head.Length..] : "";
                if (prompts.TryGetValue(role, out var known) && known != prompt)
                {
                    conflicting.Add(role);
                }

                prompts[role] = prompt;
            }
        }

        foreach (var role in conflicting)
        {
            prompts.Remove(role);
        }

        return prompts;
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    // ---- probe conversations ----

    private static JsonObject SystemMessage() => new() { ["role"] = "system", ["content"] = SystemMarker };

    private static JsonObject User(string text = UserMarker) => new() { ["role"] = "user", ["content"] = text };

    private static JsonObject Answer() => new() { ["role"] = "assistant", ["content"] = AnswerMarker };

    private static JsonArray Tools() =>
    [
        new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = ProbeTool,
                ["description"] = "Probe tool.",
                ["parameters"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["probe_arg"] = new JsonObject { ["type"] = "string", ["description"] = "Probe argument." } },
                    ["required"] = new JsonArray("probe_arg"),
                },
            },
        },
    ];

    private static JsonArray CallConversation(bool contentNull, bool stringArgs, bool foldResults, bool foldCalls = false, int calls = 1, string? text = null)
    {
        var call = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = foldCalls ? CallText + " " + ArgumentMarker : text ?? (contentNull ? null : ""),
        };
        var results = new List<JsonObject>();
        if (!foldCalls)
        {
            var list = new JsonArray();
            for (int i = 1; i <= calls; i++)
            {
                string marker = i == 1 ? ArgumentMarker : ArgumentMarker + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string id = ProbeCallId[..^1] + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                JsonNode arguments = stringArgs ? JsonValue.Create("{\"probe_arg\": \"" + marker + "\"}") : new JsonObject { ["probe_arg"] = marker };
                list.Add((JsonNode)new JsonObject
                {
                    ["type"] = "function",
                    ["id"] = id,
                    ["function"] = new JsonObject { ["name"] = ProbeTool, ["arguments"] = arguments },
                });
                results.Add(foldResults
                    ? User(ResultMarker)
                    : new JsonObject { ["role"] = "tool", ["tool_call_id"] = id, ["name"] = ProbeTool, ["content"] = ResultMarker });
            }

            call["tool_calls"] = list;
        }
        else
        {
            results.Add(foldResults ? User(ResultMarker) : new JsonObject { ["role"] = "tool", ["tool_call_id"] = ProbeCallId, ["name"] = ProbeTool, ["content"] = ResultMarker });
        }

        if (foldResults && results.Count > 1)
        {
            results = [User(string.Join("\n", Enumerable.Repeat(ResultMarker, results.Count)))];
        }

        return [User(), call, .. results, Answer(), User()];
    }

    /// <summary>A call conversation shaped as <paramref name="caps"/> would shape it, ending after the results or
    /// after a final user turn.</summary>
    private static JsonArray CallConversation(TemplateCapabilities caps, bool endAfterResults)
    {
        var messages = CallConversation(caps.CallContentNull, caps.StringArguments, caps.FoldResults, caps.FoldCalls);
        if (endAfterResults)
        {
            messages.RemoveAt(messages.Count - 1);
            messages.RemoveAt(messages.Count - 1);
        }

        return messages;
    }

    /// <summary>Renders probe conversations with the options' keyword arguments; a template error is an answer, not a failure.</summary>
    private sealed class Prober(ChatTemplate template, ChatTemplateOptions options)
    {
        public string? Render(IEnumerable<JsonObject> messages, JsonArray? tools, bool addGenerationPrompt) =>
            Render(new JsonArray([.. messages.Select(m => m.DeepClone())]), tools, addGenerationPrompt);

        public string? Render(JsonArray messages, JsonArray? tools, bool addGenerationPrompt)
        {
            var variables = new JsonObject { ["messages"] = messages.DeepClone(), ["tools"] = tools?.DeepClone() };
            ChatTemplateInputs.AddKeywordArguments(variables, options);
            variables["add_generation_prompt"] = addGenerationPrompt;
            try
            {
                return template.Render(variables, options);
            }
            catch (TemplateException)
            {
                return null;
            }
        }

        public string? RenderWithOrWithoutTools(JsonArray messages) =>
            Render(messages, Tools(), true) ?? Render(messages, null, true);
    }
}
