using System.Buffers;

namespace ToolLoop.Parsing;

/// <summary>
/// Where text on its way out gathers until it becomes one event string. Text that is one contiguous run of the parser's
/// own input is only recorded (start, length) and copied once, into the event string; a run that is the whole input
/// string is handed out as that string. Anything else is copied into a pooled buffer. So emitting text costs one copy
/// (the output) and no allocation beyond the output.
/// </summary>
internal sealed class TextSink : IDisposable
{
    private ReadOnlyMemory<char> _source;
    private string? _sourceString;
    private int _sliceStart = -1;
    private int _sliceLength;
    private char[]? _buf;
    private int _count;

    /// <summary>Gets how many characters are gathered.</summary>
    public int Length => _sliceStart >= 0 ? _sliceLength : _count;

    /// <summary>Sets the text that runs may point into (the parser's buffer, or the whole input string).</summary>
    /// <param name="source">The source text; it must not change until <see cref="Take"/> is called.</param>
    /// <param name="sourceString">The same text as a string, when it is one, so that a run covering it all is handed out as is.</param>
    public void SetSource(ReadOnlyMemory<char> source, string? sourceString)
    {
        Materialize();
        _source = source;
        _sourceString = sourceString;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        if (_count == 0 && _source.Span.Overlaps(text, out var offset) && offset >= 0 && offset + text.Length <= _source.Length)
        {
            if (_sliceStart < 0)
            {
                _sliceStart = offset;
                _sliceLength = text.Length;
                return;
            }

            if (_sliceStart + _sliceLength == offset)
            {
                _sliceLength += text.Length;
                return;
            }
        }

        Materialize();
        Copy(text);
    }

    /// <summary>Returns the gathered text and clears it.</summary>
    public string Take()
    {
        string s;
        if (_sliceStart >= 0)
        {
            s = _sourceString is not null && _sliceStart == 0 && _sliceLength == _sourceString.Length
                ? _sourceString
                : new string(_source.Span.Slice(_sliceStart, _sliceLength));
            _sliceStart = -1;
            _sliceLength = 0;
            return s;
        }

        s = new string(_buf.AsSpan(0, _count));
        _count = 0;
        return s;
    }

    public void Dispose()
    {
        var buf = _buf;
        _buf = null;
        _source = default;
        _sourceString = null;
        if (buf is not null)
        {
            ArrayPool<char>.Shared.Return(buf);
        }
    }

    private void Materialize()
    {
        if (_sliceStart < 0)
        {
            return;
        }

        var slice = _source.Span.Slice(_sliceStart, _sliceLength);
        _sliceStart = -1;
        _sliceLength = 0;
        Copy(slice);
    }

    private void Copy(ReadOnlySpan<char> text)
    {
        if (_buf is null || _count + text.Length > _buf.Length)
        {
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(256, Math.Max((_buf?.Length ?? 0) * 2, _count + text.Length)));
            if (_buf is not null)
            {
                _buf.AsSpan(0, _count).CopyTo(bigger);
                ArrayPool<char>.Shared.Return(_buf);
            }

            _buf = bigger;
        }

        text.CopyTo(_buf.AsSpan(_count));
        _count += text.Length;
    }
}
