using System.Buffers;

namespace ToolLoop;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>, for JSON the parser writes only to turn into
/// one string: growing it copies into pooled arrays instead of new ones, so building arguments allocates their string
/// and nothing in proportion to their size. Not thread-safe; dispose it to return the array.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    /// <summary>Initializes a new instance of the <see cref="PooledBufferWriter"/> class.</summary>
    /// <param name="capacityHint">The expected size, so a buffer of the right size is rented at once.</param>
    public PooledBufferWriter(int capacityHint = 256) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, capacityHint));

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <inheritdoc/>
    public void Advance(int count) => _written += count;

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the written UTF-8 as a string.</summary>
    /// <returns>The text.</returns>
    public string ToUtf8String() => System.Text.Encoding.UTF8.GetString(WrittenSpan);

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(1, sizeHint);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
