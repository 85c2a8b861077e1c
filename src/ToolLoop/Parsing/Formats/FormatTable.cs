using System.Collections.Concurrent;

namespace ToolLoop.Parsing;

/// <summary>The markers of each format, built once per (format, bare-JSON) pair from the family files.</summary>
internal sealed class FormatTable
{
    private static readonly ConcurrentDictionary<(ToolCallFormat, bool), FormatTable> s_cache = new();

    private FormatTable(MarkerSet content, MarkerSet reasoning, string[] closersAtStart)
    {
        Content = content;
        Reasoning = reasoning;
        ReasoningClosersAtStart = closersAtStart;
    }

    public MarkerSet Content { get; }

    public MarkerSet Reasoning { get; }

    public string[] ReasoningClosersAtStart { get; }

    public static FormatTable For(ToolCallFormat format, bool hasTools)
    {
        var bareJson = format == ToolCallFormat.Llama3 || (format == ToolCallFormat.Auto && hasTools);
        return s_cache.GetOrAdd((format, bareJson), static key => Build(key.Item1, key.Item2));
    }

    private static FormatTable Build(ToolCallFormat format, bool bareJson)
    {
        var b = new Builder();
        b.Reasoning("<think>", "</think>");
        b.Strip("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>");
        var all = format == ToolCallFormat.Auto;
        if (all || format == ToolCallFormat.Hermes)
        {
            HermesFormat.Register(b);
        }

        if (all || format == ToolCallFormat.Qwen3Coder)
        {
            Qwen3CoderFormat.Register(b);
        }

        if (all || format == ToolCallFormat.Glm)
        {
            GlmFormat.Register(b);
        }

        if (all || format == ToolCallFormat.Llama3)
        {
            Llama3Format.Register(b);
        }

        if (all || format == ToolCallFormat.Mistral)
        {
            MistralFormat.Register(b);
        }

        if (all || format == ToolCallFormat.Gemma4)
        {
            Gemma4Format.Register(b);
        }

        if (all || format == ToolCallFormat.DeepSeek)
        {
            DeepSeekFormat.Register(b);
        }

        if (all || format == ToolCallFormat.Kimi)
        {
            KimiFormat.Register(b);
        }

        return b.Build(bareJson);
    }

    /// <summary>Collects the markers the family files register.</summary>
    internal sealed class Builder
    {
        private readonly Dictionary<string, Marker> _content = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Marker> _reasoning = new(StringComparer.Ordinal);
        private readonly List<string> _closers = [];

        /// <summary>A reasoning block: <paramref name="opener"/> opens it, <paramref name="closer"/> closes it, and a stray closer in content is removed.</summary>
        public void Reasoning(string opener, string closer)
        {
            _content[opener] = new Marker(opener, MarkerAction.OpenReasoning) { Closers = [closer] };
            _content.TryAdd(closer, new Marker(closer, MarkerAction.Strip));
            _reasoning[closer] = new Marker(closer, MarkerAction.CloseReasoning);
            if (!_closers.Contains(closer))
            {
                _closers.Add(closer);
            }
        }

        /// <summary>Leaked control markup, removed wherever it appears.</summary>
        public void Strip(params string[] markers)
        {
            foreach (var m in markers)
            {
                _content.TryAdd(m, new Marker(m, MarkerAction.Strip));
                _reasoning.TryAdd(m, new Marker(m, MarkerAction.Strip));
            }
        }

        /// <summary>Stray closing markup (a closer without its opener), removed from content; inside reasoning it is text.</summary>
        public void StripInContent(params string[] markers)
        {
            foreach (var m in markers)
            {
                _content.TryAdd(m, new Marker(m, MarkerAction.Strip));
            }
        }

        /// <summary>A call opener in content.</summary>
        public void Call(string opener, Func<ParseContext, CallRegion> region)
            => _content[opener] = new Marker(opener, MarkerAction.OpenCall) { Region = region };

        /// <summary>A call opener that also ends unclosed reasoning (optionally only when <paramref name="lookahead"/> follows it).</summary>
        public void CallEndsReasoning(string opener, Func<ParseContext, CallRegion> region, string? lookahead = null)
            => _reasoning[opener] = new Marker(opener, lookahead is null ? MarkerAction.OpenCall : MarkerAction.OpenCallFromReasoning)
            {
                Region = region,
                Lookahead = lookahead,
            };

        public FormatTable Build(bool bareJson)
        {
            // Reasoning closers take precedence over strip markers with the same text.
            foreach (var closer in _closers)
            {
                _reasoning[closer] = new Marker(closer, MarkerAction.CloseReasoning);
            }

            return new FormatTable(new MarkerSet(_content.Values, bareJson), new MarkerSet(_reasoning.Values, bareJson: false), [.. _closers]);
        }
    }
}
