namespace ToolLoop.LocalModels;

/// <summary>
/// Finds the first stop sequence in streamed text. Text that could still be the start of a stop
/// sequence is held back until the next chunk decides it, so a stop sequence is never emitted, not
/// even partially.
/// </summary>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private string _held = string.Empty;

    public StopSequenceMatcher(IEnumerable<string>? stopSequences)
    {
        _stops = stopSequences?.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray() ?? [];
    }

    public bool IsActive => _stops.Length > 0;

    /// <summary>Appends text; returns what can be emitted. <paramref name="stopped"/> is true once a stop sequence matched (the rest is dropped).</summary>
    public string Append(string text, out bool stopped)
    {
        stopped = false;
        if (_stops.Length == 0)
        {
            return text;
        }

        string buffer = _held + text;
        int first = -1;
        foreach (string stop in _stops)
        {
            int index = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
            }
        }

        if (first >= 0)
        {
            _held = string.Empty;
            stopped = true;
            return buffer[..first];
        }

        int hold = 0;
        foreach (string stop in _stops)
        {
            for (int k = Math.Min(stop.Length - 1, buffer.Length); k > hold; k--)
            {
                if (buffer.AsSpan(buffer.Length - k).SequenceEqual(stop.AsSpan(0, k)))
                {
                    hold = k;
                    break;
                }
            }
        }

        _held = buffer[(buffer.Length - hold)..];
        return buffer[..(buffer.Length - hold)];
    }

    /// <summary>Ends the stream: held-back text was not a stop sequence after all.</summary>
    public string Flush()
    {
        string rest = _held;
        _held = string.Empty;
        return rest;
    }
}
