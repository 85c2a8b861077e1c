using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// A model's Jinja chat template, parsed once, rendered the way Hugging Face transformers renders
/// chat templates with Python's Jinja2 (<c>trim_blocks</c> and <c>lstrip_blocks</c>, loop controls,
/// <c>{% generation %}</c>, <c>tojson</c> keeping non-ASCII, <c>raise_exception</c>, <c>strftime_now</c>),
/// except that list and dict methods that mutate (refused by transformers' immutable sandbox) are allowed,
/// as in llama.cpp.
/// </summary>
/// <remarks>
/// <para>Instances are immutable and thread-safe: render the same template from any number of threads.</para>
/// <para>Rendering takes the template variables as a <see cref="JsonObject"/> (see
/// <see cref="ChatTemplateInputs.Create"/> to build them from Microsoft.Extensions.AI messages). A value
/// means what its JSON text means to Python's <c>json.loads</c>: integers are ints, other numbers are floats
/// (so a CLR <c>1.0</c>, written as <c>1</c>, is the int 1). Strings
/// under <c>messages</c> (except the values of <c>role</c> and <c>type</c>), <c>tools</c> and
/// <c>documents</c> are untrusted data: <see cref="RenderSegments"/> reports every character derived
/// from them as data, so adapters can tokenize them without special-token parsing.</para>
/// </remarks>
public sealed class ChatTemplate
{
    private const int CacheCapacity = 64;
    private static readonly ConcurrentDictionary<string, ChatTemplate> s_cache = new(StringComparer.Ordinal);

    private const int CapabilityCacheCapacity = 32;

    private readonly JinjaTemplate _parsed;
    private readonly ConcurrentDictionary<string, Lazy<TemplateCapabilities>> _capabilities = new(StringComparer.Ordinal);

    /// <summary>The largest capacity hint kept, so one huge render does not make every later one allocate big buffers.</summary>
    private const int MaxHint = 1 << 18;

    // Sizes of the previous render (tainted strings, output length): capacity hints, never part of the output.
    private int _taintHint;
    private int _outputHint = 16;

    private ChatTemplate(string source, JinjaTemplate parsed)
    {
        Source = source;
        _parsed = parsed;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>
    /// Parses a template, or returns the already parsed instance for the same text (a process-wide cache
    /// of the 64 most recent distinct texts; thread-safe).
    /// </summary>
    /// <param name="source">The Jinja template text, e.g. <c>tokenizer.chat_template</c> from GGUF metadata.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="TemplateException">The template has a syntax error, or uses a filter or test that
    /// does not exist outside an <c>if</c> (Jinja2 rejects those when compiling, too).</exception>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (s_cache.TryGetValue(source, out var cached))
        {
            return cached;
        }

        var template = new ChatTemplate(source, JinjaTemplate.Parse(source));
        if (s_cache.Count >= CacheCapacity)
        {
            s_cache.Clear();
        }

        return s_cache.GetOrAdd(source, template);
    }

    /// <summary>Renders the template to text.</summary>
    /// <param name="variables">The template variables (<c>messages</c>, <c>tools</c>, <c>add_generation_prompt</c>, ...).</param>
    /// <param name="options">Clock and caps; default <see langword="null"/> for the defaults. The keyword-argument
    /// properties of the options are not applied here: they are part of <paramref name="variables"/>.</param>
    /// <returns>The rendered prompt.</returns>
    /// <exception cref="TemplateException">The template raised (<c>raise_exception</c>, an undefined value used
    /// where one is required, a type error) or a cap was reached.</exception>
    public string Render(JsonObject variables, ChatTemplateOptions? options = null) => RenderCore(variables, options).ToString();

    /// <summary>Renders the template to segments of framing and data (see <see cref="TemplateSegment"/>).</summary>
    /// <param name="variables">The template variables.</param>
    /// <param name="options">Clock and caps; default <see langword="null"/> for the defaults.</param>
    /// <returns>The segments in order; their concatenation equals <see cref="Render"/>'s result.</returns>
    /// <exception cref="TemplateException">As for <see cref="Render"/>.</exception>
    public IReadOnlyList<TemplateSegment> RenderSegments(JsonObject variables, ChatTemplateOptions? options = null) =>
        RenderCore(variables, options).ToSegments();

    /// <summary>One render to both the text and its segments (the segments share the text's single copy where a
    /// segment is the whole text).</summary>
    internal (string Text, List<TemplateSegment> Segments) RenderTextAndSegments(JsonObject variables, ChatTemplateOptions? options)
    {
        var output = RenderCore(variables, options);
        string text = output.ToString();
        return (text, output.ToSegments(text));
    }

    /// <summary>What this template supports under <paramref name="options"/>' keyword arguments, learned on first use
    /// and cached per keyword-argument set (thread-safe; concurrent first uses learn once).</summary>
    internal TemplateCapabilities GetCapabilities(ChatTemplateOptions options)
    {
        string key = CapabilityKey(options);
        if (!_capabilities.TryGetValue(key, out var lazy))
        {
            if (_capabilities.Count >= CapabilityCacheCapacity)
            {
                // Keyword arguments that change on every request (a date, say) must not grow the cache without bound.
                _capabilities.Clear();
            }

            var snapshot = Snapshot(options);
            lazy = _capabilities.GetOrAdd(key, _ => new Lazy<TemplateCapabilities>(() => TemplateCapabilities.Learn(this, snapshot)));
        }

        return lazy.Value;
    }

    private static string CapabilityKey(ChatTemplateOptions options)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(options.BosToken).Append('\u0001').Append(options.EosToken).Append('\u0001').Append(options.EnableThinking?.ToString() ?? "-")
            .Append('\u0001').Append(options.MaxLoopIterations).Append('\u0001').Append(options.MaxOutputLength).Append('\u0001').Append(options.MaxRecursionDepth);
        foreach (var kv in options.AdditionalArguments.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append('\u0001').Append(kv.Key).Append('=').Append(kv.Value?.ToJsonString() ?? "null");
        }

        return sb.ToString();
    }

    /// <summary>A copy of the keyword arguments and caps, so learning is not affected by later changes to the options.</summary>
    private static ChatTemplateOptions Snapshot(ChatTemplateOptions options)
    {
        var copy = new ChatTemplateOptions
        {
            BosToken = options.BosToken,
            EosToken = options.EosToken,
            EnableThinking = options.EnableThinking,
            TimeProvider = options.TimeProvider,
            MaxLoopIterations = options.MaxLoopIterations,
            MaxOutputLength = options.MaxOutputLength,
            MaxRecursionDepth = options.MaxRecursionDepth,
        };
        foreach (var kv in options.AdditionalArguments)
        {
            copy.AdditionalArguments[kv.Key] = kv.Value?.DeepClone();
        }

        return copy;
    }

    /// <summary>Tests and benchmarks only: renders of <see cref="CountedTemplate"/> on this thread are counted in
    /// <see cref="CountedRenders"/>.</summary>
    [ThreadStatic]
    internal static ChatTemplate? CountedTemplate;

    [ThreadStatic]
    internal static int CountedRenders;

    private TaintTracker.Output RenderCore(JsonObject variables, ChatTemplateOptions? options)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (ReferenceEquals(CountedTemplate, this))
        {
            CountedRenders++;
        }

        // Sized from the previous render of this template (a hint only: races between threads just cost a regrow).
        var taint = new TaintTracker(_taintHint);
        var interpreter = new JinjaInterpreter(_parsed, options ?? ChatTemplateOptions.Default, taint, _outputHint);
        var values = new List<KeyValuePair<string, object?>>(variables.Count);
        foreach (var kv in variables)
        {
            bool data = kv.Key is "messages" or "tools" or "documents";
            values.Add(new(kv.Key, PyJson.FromNode(kv.Value, taint, data, data ? IsFramingKey : null)));
        }

        var output = interpreter.Render(values);
        _taintHint = Math.Min(taint.Count, MaxHint);
        _outputHint = Math.Min(output.Length, MaxHint);
        return output;
    }

    private static bool IsFramingKey(string key) => key is "role" or "type";
}
