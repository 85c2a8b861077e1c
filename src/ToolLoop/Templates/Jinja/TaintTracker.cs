using System.Text;

namespace ToolLoop;

/// <summary>
/// Tracks which characters of each string value came from untrusted data, so the rendered prompt
/// can be split into data and framing segments. Strings are immutable, so a string instance is
/// keyed by reference; operations that build new strings from tainted ones register the result:
/// concatenation and slicing keep exact character ranges, every other transformation marks the whole
/// result as data (the safe direction: data is never reported as framing).
/// </summary>
internal sealed class TaintTracker
{
    private readonly Dictionary<string, int[]> _ranges;

    public TaintTracker()
        : this(0)
    {
    }

    /// <summary>Creates a tracker sized for <paramref name="capacity"/> tainted strings (a hint from an earlier render,
    /// so the table is not regrown while rendering).</summary>
    public TaintTracker(int capacity) => _ranges = new(capacity, ReferenceEqualityComparer.Instance);

    public bool Any => _ranges.Count > 0;

    /// <summary>How many strings carry data.</summary>
    public int Count => _ranges.Count;

    public void MarkData(string s)
    {
        if (s.Length > 0)
        {
            _ranges[s] = [0, s.Length];
        }
    }

    /// <summary>Ranges as [start, length, start, length, ...], sorted and disjoint; null when clean.</summary>
    public int[]? Get(string? s) => s is not null && _ranges.Count > 0 && _ranges.TryGetValue(s, out var r) ? r : null;

    public void Register(string s, int[]? ranges)
    {
        if (ranges is { Length: > 0 } && s.Length > 0 && !_ranges.ContainsKey(s))
        {
            _ranges[s] = ranges;
        }
    }

    public string Concat(string a, string b)
    {
        string r = string.Concat(a, b);
        if (_ranges.Count == 0 || ReferenceEquals(r, a) || ReferenceEquals(r, b))
        {
            return r;
        }

        var ta = Get(a);
        var tb = Get(b);
        if (ta is null && tb is null)
        {
            return r;
        }

        var builder = new RangeBuilder();
        builder.Add(ta, 0);
        builder.Add(tb, a.Length);
        Register(r, builder.ToArray());
        return r;
    }

    public string Join(IReadOnlyList<string> parts, string separator)
    {
        string r = string.Join(separator, parts);
        if (_ranges.Count == 0 || (parts.Count == 1 && ReferenceEquals(r, parts[0])))
        {
            return r;
        }

        var builder = new RangeBuilder();
        var sepRanges = Get(separator);
        int offset = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                builder.Add(sepRanges, offset);
                offset += separator.Length;
            }

            builder.Add(Get(parts[i]), offset);
            offset += parts[i].Length;
        }

        Register(r, builder.ToArray());
        return r;
    }

    /// <summary>A substring; with <paramref name="forceCopy"/> a fresh instance even for one character
    /// (shared cached instances must never carry taint).</summary>
    public string Sub(string s, int start, int length, bool forceCopy = false)
    {
        if (start == 0 && length == s.Length)
        {
            return s;
        }

        var t = Get(s);
        string r = (forceCopy || t is not null) && length == 1 ? new string(s[start], 1) : s.Substring(start, length);
        if (t is null || r.Length == 0)
        {
            return r;
        }

        var builder = new RangeBuilder();
        for (int i = 0; i < t.Length; i += 2)
        {
            int a = Math.Max(t[i], start), b = Math.Min(t[i] + t[i + 1], start + length);
            if (b > a)
            {
                builder.AddRange(a - start, b - a);
            }
        }

        Register(r, builder.ToArray());
        return r;
    }

    /// <summary>Marks <paramref name="result"/> as data as a whole if any input holds data; a result
    /// that is one of the inputs (an unchanged string) keeps that input's ranges.</summary>
    public string Whole(string result, params object?[] inputs)
    {
        if (_ranges.Count == 0 || result.Length == 0)
        {
            return result;
        }

        foreach (var input in inputs)
        {
            if (ReferenceEquals(input, result))
            {
                return result;
            }
        }

        foreach (var input in inputs)
        {
            if (IsTainted(input, 0))
            {
                Register(result, [0, result.Length]);
                break;
            }
        }

        return result;
    }

    public bool IsTainted(object? v, int depth)
    {
        if (_ranges.Count == 0 || depth > 100)
        {
            return _ranges.Count > 0 && depth > 100;
        }

        switch (v)
        {
            case string s: return _ranges.ContainsKey(s);
            case Markup m: return _ranges.ContainsKey(m.Value);
            case PyList l:
                foreach (var x in l.Items)
                {
                    if (IsTainted(x, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case PyDict d:
                foreach (var kv in d.Items)
                {
                    if (IsTainted(kv.Key, depth + 1) || IsTainted(kv.Value, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case PyNamespace ns:
                return IsTainted(ns.Attributes, depth + 1);
            case BoundMethod bm:
                return IsTainted(bm.Receiver, depth + 1);
            default:
                return false;
        }
    }

    /// <summary>Accumulates ranges in order, merging adjacent ones.</summary>
    internal struct RangeBuilder
    {
        private List<int>? _list;

        public void Add(int[]? ranges, int offset)
        {
            if (ranges is null)
            {
                return;
            }

            for (int i = 0; i < ranges.Length; i += 2)
            {
                AddRange(ranges[i] + offset, ranges[i + 1]);
            }
        }

        public void AddRange(int start, int length)
        {
            if (length <= 0)
            {
                return;
            }

            _list ??= [];
            int n = _list.Count;
            if (n > 0 && _list[n - 2] + _list[n - 1] == start)
            {
                _list[n - 1] += length;
            }
            else
            {
                _list.Add(start);
                _list.Add(length);
            }
        }

        public readonly int[]? ToArray() => _list?.ToArray();
    }

    /// <summary>An output buffer that remembers which appended characters are data.</summary>
    internal sealed class Output(TaintTracker tracker, int capacity = 16)
    {
        private readonly StringBuilder _sb = new(capacity);
        private RangeBuilder _ranges;

        public int Length => _sb.Length;

        public void Append(string s)
        {
            if (s.Length == 0)
            {
                return;
            }

            var t = tracker.Get(s);
            if (t is not null)
            {
                _ranges.Add(t, _sb.Length);
            }

            _sb.Append(s);
        }

        /// <summary>The text, registered with its data ranges.</summary>
        public string ToTrackedString()
        {
            string s = _sb.ToString();
            tracker.Register(s, _ranges.ToArray());
            return s;
        }

        public List<TemplateSegment> ToSegments() => ToSegments(_sb.ToString());

        /// <summary>The segments of <paramref name="s"/>, which is this buffer's text (<see cref="ToString"/>); a text
        /// that is all framing or all data is its own single segment, without a copy.</summary>
        public List<TemplateSegment> ToSegments(string s)
        {
            var ranges = _ranges.ToArray() ?? [];
            if (ranges.Length == 0 || (ranges.Length == 2 && ranges[0] == 0 && ranges[1] == s.Length))
            {
                return s.Length == 0 ? [] : [new TemplateSegment(s, ranges.Length > 0)];
            }

            var result = new List<TemplateSegment>(ranges.Length + 1);
            int pos = 0;
            for (int i = 0; i < ranges.Length; i += 2)
            {
                if (ranges[i] > pos)
                {
                    result.Add(new TemplateSegment(s[pos..ranges[i]], false));
                }

                result.Add(new TemplateSegment(s.Substring(ranges[i], ranges[i + 1]), true));
                pos = ranges[i] + ranges[i + 1];
            }

            if (pos < s.Length)
            {
                result.Add(new TemplateSegment(s[pos..], false));
            }

            return result;
        }

        public override string ToString() => _sb.ToString();
    }
}
