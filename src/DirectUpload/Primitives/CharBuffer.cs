using System.Buffers;

namespace DirectUpload.Internal;

/// <summary>
/// A growable character buffer that starts on the caller's (stack) span and moves to <see cref="ArrayPool{T}"/> memory
/// when it outgrows it. Dispose it to return the rented array.
/// </summary>
internal ref struct CharBuffer
{
    private char[]? _rented;
    private Span<char> _chars;
    private int _length;

    public CharBuffer(Span<char> initial)
    {
        _chars = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    /// <summary>Gets what was written so far. Invalidated by the next append.</summary>
    public readonly ReadOnlySpan<char> Written => _chars[.._length];

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> value)
    {
        if (_length > _chars.Length - value.Length)
        {
            Grow(value.Length);
        }

        value.CopyTo(_chars[_length..]);
        _length += value.Length;
    }

    /// <summary>Reserves <paramref name="length"/> chars at the end and returns them to be filled.</summary>
    public Span<char> AppendSpan(int length)
    {
        if (_length > _chars.Length - length)
        {
            Grow(length);
        }

        var span = _chars.Slice(_length, length);
        _length += length;
        return span;
    }

    /// <summary>Appends a copy of an earlier part of the buffer itself.</summary>
    public void AppendWritten(int start, int length)
    {
        if (_length > _chars.Length - length)
        {
            Grow(length);
        }

        _chars.Slice(start, length).CopyTo(_chars[_length..]);
        _length += length;
    }

    public readonly ReadOnlySpan<char> Slice(int start, int length) => _chars.Slice(start, length);

    public override readonly string ToString() => new(_chars[.._length]);

    public void Dispose()
    {
        var rented = _rented;
        this = default;
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Grow(int additional)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_length + additional, _chars.Length * 2));
        _chars[.._length].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
        }

        _rented = next;
        _chars = next;
    }
}
