using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace DirectUpload.Internal;

/// <summary>
/// Writes compact JSON into a caller's buffer exactly as <see cref="Utf8JsonWriter"/> (and so <see cref="JsonSerializer"/>)
/// does with its default encoder, for ASCII text only: callers check <see cref="IsAscii"/> and use the BCL writer otherwise.
/// </summary>
/// <remarks>
/// The default encoder writes \b \t \n \f \r and \\ as two-character escapes, and every other control character, DEL and the
/// HTML-sensitive <c>" &amp; ' + &lt; &gt; `</c> as <c>\u00XX</c> (upper-case hex); all other printable ASCII is written as is.
/// </remarks>
internal ref struct AsciiJsonWriter
{
    // control characters, DEL, the quote, the backslash and the HTML-sensitive characters
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\&'+<>`\u007F");

    private readonly Span<byte> _buffer;
    private int _length;

    public AsciiJsonWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public static bool IsAscii(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (value is not null && !Ascii.IsValid(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An upper bound of the escaped length of the values, with their quotes (6 bytes per char at most).</summary>
    public static int MaxEscapedLength(params ReadOnlySpan<string?> values)
    {
        var length = 0;
        foreach (var value in values)
        {
            length += value is null ? 0 : (value.Length * 6) + 2;
        }

        return length;
    }

    public void WriteRaw(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(_buffer[_length..]);
        _length += utf8.Length;
    }

    /// <summary>Writes a quoted, escaped ASCII string.</summary>
    public void WriteString(ReadOnlySpan<char> value) => WriteString(value, NeedsEscaping);

    /// <summary>
    /// Writes a quoted ASCII string, escaping (as the default encoder does) only the characters in
    /// <paramref name="needsEscaping"/>: for a caller that writes a different set as it is (the grant endpoint writes
    /// <c>+</c> as itself) and knows the text holds no control character.
    /// </summary>
    public void WriteString(ReadOnlySpan<char> value, SearchValues<char> needsEscaping)
    {
        _buffer[_length++] = (byte)'"';
        while (true)
        {
            // copy the run that needs no escaping in one go (usually all of it)
            var escape = value.IndexOfAny(needsEscaping);
            var run = escape < 0 ? value : value[..escape];
            Ascii.FromUtf16(run, _buffer[_length..], out var written);
            _length += written;
            if (escape < 0)
            {
                break;
            }

            WriteEscaped(value[escape]);
            value = value[(escape + 1)..];
        }

        _buffer[_length++] = (byte)'"';
    }

    /// <summary>Writes <paramref name="property"/> (e.g. <c>,"o":</c>) and the quoted value, unless the value is <see langword="null"/>.</summary>
    public void WriteOptional(ReadOnlySpan<byte> property, string? value)
    {
        if (value is not null)
        {
            WriteRaw(property);
            WriteString(value);
        }
    }

    public void WriteNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_length..], out var written);
        _length += written;
    }

    /// <summary>
    /// Writes a UTC instant as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (24 bytes, unquoted), the text the invariant culture's
    /// <c>"yyyy-MM-dd'T'HH:mm:ss.fff'Z'"</c> gives, without the custom-format parser.
    /// </summary>
    public void WriteIsoMillisecondsUtc(DateTime utc)
    {
        var d = _buffer.Slice(_length, 24);
        WriteDigits(d[..4], utc.Year);
        d[4] = (byte)'-';
        WriteDigits(d.Slice(5, 2), utc.Month);
        d[7] = (byte)'-';
        WriteDigits(d.Slice(8, 2), utc.Day);
        d[10] = (byte)'T';
        WriteDigits(d.Slice(11, 2), utc.Hour);
        d[13] = (byte)':';
        WriteDigits(d.Slice(14, 2), utc.Minute);
        d[16] = (byte)':';
        WriteDigits(d.Slice(17, 2), utc.Second);
        d[19] = (byte)'.';
        WriteDigits(d.Slice(20, 3), utc.Millisecond);
        d[23] = (byte)'Z';
        _length += 24;
    }

    /// <summary>Writes a non-negative number as exactly <c>destination.Length</c> decimal digits, zero-padded.</summary>
    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private void WriteEscaped(char c)
    {
        switch (c)
        {
            case '\b': WriteShortEscape((byte)'b'); break;
            case '\t': WriteShortEscape((byte)'t'); break;
            case '\n': WriteShortEscape((byte)'n'); break;
            case '\f': WriteShortEscape((byte)'f'); break;
            case '\r': WriteShortEscape((byte)'r'); break;
            case '\\': WriteShortEscape((byte)'\\'); break;
            default: WriteUnicodeEscape(c); break;
        }
    }

    private void WriteShortEscape(byte c)
    {
        _buffer[_length++] = (byte)'\\';
        _buffer[_length++] = c;
    }

    private void WriteUnicodeEscape(char c)
    {
        WriteRaw("\\u00"u8);
        _buffer[_length++] = (byte)Hex.Upper(c >> 4);
        _buffer[_length++] = (byte)Hex.Upper(c & 15);
    }
}
