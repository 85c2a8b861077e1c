using System.Globalization;

namespace ToolLoop;

/// <summary>
/// Keeps call ids unique across the replayed history and every iteration (feature 23). A colliding id is
/// replaced by a fresh one in the same family format: Mistral's nine alphanumerics, Kimi's
/// <c>functions.NAME:IDX</c>, otherwise the original prefix with a new number (<c>call_0</c> → <c>call_1</c>).
/// </summary>
internal sealed class CallIdAllocator
{
    private const string Alphanumerics = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /// <summary>A request uses few ids: up to this many are kept in an array and scanned; beyond, a set takes over.</summary>
    private const int SmallCount = 16;

    private string[]? _small;
    private int _smallCount;
    private HashSet<string>? _used;

    public bool IsUsed(string id)
    {
        if (_used is not null)
        {
            return _used.Contains(id);
        }

        for (var i = 0; i < _smallCount; i++)
        {
            if (string.Equals(_small![i], id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public void Reserve(string id) => Add(id);

    /// <summary>Returns <paramref name="proposed"/> when it is new, otherwise a fresh id in its format.</summary>
    public string Allocate(string? proposed)
    {
        if (!string.IsNullOrEmpty(proposed) && Add(proposed))
        {
            return proposed;
        }

        var id = Generate(proposed);
        Add(id);
        return id;
    }

    /// <summary>Adds <paramref name="id"/>; <see langword="false"/> when it was already used.</summary>
    private bool Add(string id)
    {
        if (_used is not null)
        {
            return _used.Add(id);
        }

        if (IsUsed(id))
        {
            return false;
        }

        if (_smallCount == SmallCount)
        {
            _used = new HashSet<string>(_small!, StringComparer.Ordinal) { id };
            _small = null;
            return true;
        }

        _small ??= new string[SmallCount];
        _small[_smallCount++] = id;
        return true;
    }

    private string Generate(string? proposed)
    {
        if (proposed is { Length: 9 } && proposed.All(char.IsAsciiLetterOrDigit))
        {
            // Deterministic (FNV-1a of the colliding id and an attempt number), so a replay yields the same ids.
            for (var attempt = 1; ; attempt++)
            {
                var hash = 14695981039346656037UL;
                foreach (var c in proposed + "#" + attempt.ToString(CultureInfo.InvariantCulture))
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }

                var candidate = string.Create(9, hash, static (span, h) =>
                {
                    for (var i = 0; i < span.Length; i++)
                    {
                        span[i] = Alphanumerics[(int)(h % (ulong)Alphanumerics.Length)];
                        h /= (ulong)Alphanumerics.Length;
                    }
                });
                if (!IsUsed(candidate))
                {
                    return candidate;
                }
            }
        }

        string prefix;
        if (proposed is not null && proposed.StartsWith("functions.", StringComparison.Ordinal) && proposed.LastIndexOf(':') is var colon and > 0)
        {
            prefix = proposed[..(colon + 1)];
        }
        else if (!string.IsNullOrEmpty(proposed))
        {
            var end = proposed.Length;
            while (end > 0 && char.IsAsciiDigit(proposed[end - 1]))
            {
                end--;
            }

            prefix = end == proposed.Length ? proposed + "_" : proposed[..end];
        }
        else
        {
            prefix = "call_";
        }

        for (var n = 0; ; n++)
        {
            var candidate = prefix + n.ToString(CultureInfo.InvariantCulture);
            if (!IsUsed(candidate))
            {
                return candidate;
            }
        }
    }
}
