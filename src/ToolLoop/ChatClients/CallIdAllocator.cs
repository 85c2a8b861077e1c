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
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public bool IsUsed(string id) => _used.Contains(id);

    public void Reserve(string id) => _used.Add(id);

    /// <summary>Returns <paramref name="proposed"/> when it is new, otherwise a fresh id in its format.</summary>
    public string Allocate(string? proposed)
    {
        if (!string.IsNullOrEmpty(proposed) && _used.Add(proposed))
        {
            return proposed;
        }

        var id = Generate(proposed);
        _used.Add(id);
        return id;
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
                if (!_used.Contains(candidate))
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
            if (!_used.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
