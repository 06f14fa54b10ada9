using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DirectUpload.S3.Internal;

/// <summary>AWS Signature Version 4 primitives used for presigned URLs and POST policies (S3 rules: no double encoding).</summary>
/// <remarks>
/// The span-based members write into a <see cref="CharBuffer"/> or a caller's span, so that signing allocates only the
/// strings it returns. Every string-returning member is a thin wrapper over its span-based twin and gives the same result.
/// </remarks>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string Service = "s3";

    /// <summary>The length of <c>yyyyMMdd'T'HHmmss'Z'</c>.</summary>
    public const int AmzDateLength = 16;

    /// <summary>The length of a SHA-256 or HMAC-SHA256 in lower-case hex.</summary>
    public const int HexHashLength = 64;

    private const string HexUpper = "0123456789ABCDEF";

    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    private static readonly SearchValues<char> UnreservedOrSlash =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/");

    /// <summary>URI-encodes per SigV4: every byte except A–Z a–z 0–9 - . _ ~ becomes %XX (upper-case); '/' kept unless <paramref name="encodeSlash"/>.</summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        if (!NeedsUriEncoding(value, encodeSlash))
        {
            return value;
        }

        var buffer = new CharBuffer(stackalloc char[256]);
        try
        {
            AppendUriEncoded(ref buffer, value, encodeSlash);
            return buffer.ToString();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Whether <see cref="UriEncode"/> would change the value.</summary>
    public static bool NeedsUriEncoding(ReadOnlySpan<char> value, bool encodeSlash) =>
        value.ContainsAnyExcept(encodeSlash ? Unreserved : UnreservedOrSlash);

    /// <summary>Appends the SigV4 URI encoding of <paramref name="value"/> (UTF-8; invalid UTF-16 becomes U+FFFD, as <see cref="Encoding.UTF8"/> does).</summary>
    public static void AppendUriEncoded(ref CharBuffer buffer, scoped ReadOnlySpan<char> value, bool encodeSlash)
    {
        // copy the part that needs no encoding in one go (usually all of it)
        var i = value.IndexOfAnyExcept(encodeSlash ? Unreserved : UnreservedOrSlash);
        if (i < 0)
        {
            buffer.Append(value);
            return;
        }

        buffer.Append(value[..i]);
        Span<byte> utf8 = stackalloc byte[4];
        while (i < value.Length)
        {
            var c = value[i];
            if (char.IsAscii(c))
            {
                if (IsUnreserved(c) || (!encodeSlash && c == '/'))
                {
                    buffer.Append(c);
                }
                else
                {
                    AppendPercentEncoded(ref buffer, (byte)c);
                }

                i++;
                continue;
            }

            // a lone surrogate decodes as U+FFFD after consuming one char, exactly like Encoding.UTF8's replacement fallback
            Rune.DecodeFromUtf16(value[i..], out var rune, out var consumed);
            var written = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < written; b++)
            {
                AppendPercentEncoded(ref buffer, utf8[b]);
            }

            i += consumed;
        }
    }

    public static string FormatAmzDate(DateTimeOffset instant) =>
        string.Create(AmzDateLength, instant.UtcDateTime, static (chars, utc) => WriteAmzDate(chars, utc));

    public static string FormatDate(DateTimeOffset instant) =>
        string.Create(8, instant.UtcDateTime, static (chars, utc) => WriteDate(chars, utc));

    /// <summary>Writes <c>yyyyMMdd'T'HHmmss'Z'</c> (16 chars) of a UTC instant.</summary>
    public static void WriteAmzDate(Span<char> destination, DateTime utc)
    {
        WriteDate(destination, utc);
        destination[8] = 'T';
        WriteDigits(destination.Slice(9, 2), utc.Hour);
        WriteDigits(destination.Slice(11, 2), utc.Minute);
        WriteDigits(destination.Slice(13, 2), utc.Second);
        destination[15] = 'Z';
    }

    /// <summary>Writes <c>yyyyMMdd</c> (8 chars) of a UTC instant.</summary>
    public static void WriteDate(Span<char> destination, DateTime utc)
    {
        WriteDigits(destination[..4], utc.Year);
        WriteDigits(destination.Slice(4, 2), utc.Month);
        WriteDigits(destination.Slice(6, 2), utc.Day);
    }

    /// <summary>Writes a non-negative number as exactly <c>destination.Length</c> decimal digits, zero-padded.</summary>
    public static void WriteDigits(Span<char> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    public static string Scope(string date, string region) => string.Concat(date, "/", region, "/", Service, "/aws4_request");

    public static string HexSha256(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256OfUtf8(value, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string HexHmac(byte[] key, string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HmacOfUtf8(key, value, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>SHA-256 of the UTF-8 encoding of <paramref name="text"/>, without allocating.</summary>
    public static void Sha256OfUtf8(ReadOnlySpan<char> text, Span<byte> hash)
    {
        byte[]? rented = null;
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..written], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>HMAC-SHA256 of the UTF-8 encoding of <paramref name="text"/>, without allocating (see <see cref="KeyedHmac"/>).</summary>
    public static void HmacOfUtf8(byte[] key, ReadOnlySpan<char> text, Span<byte> mac)
    {
        byte[]? rented = null;
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        KeyedHmac.HashData(key, bytes[..written], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, "aws4_request"u8);
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        string.Concat(Algorithm, "\n", amzDate, "\n", scope, "\n", HexSha256(canonicalRequest));

    private static void AppendPercentEncoded(ref CharBuffer buffer, byte b)
    {
        var chars = buffer.AppendSpan(3);
        chars[0] = '%';
        chars[1] = HexUpper[b >> 4];
        chars[2] = HexUpper[b & 15];
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}

/// <summary>
/// HMAC-SHA256 with keys that are used again and again (the day's signing key, the token key). A one-shot HMAC creates a
/// context and keys it on every call, which costs more than hashing a short message; this keeps a few keyed contexts per
/// thread, found by the identity of the key array. Callers pass long-lived arrays that they never modify.
/// </summary>
internal static class KeyedHmac
{
    private const int ContextsPerThread = 4;

    [ThreadStatic]
    private static Context[]? _contexts;

    [ThreadStatic]
    private static int _nextEvicted;

    public static void HashData(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var hmac = GetContext(key);
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }

    private static IncrementalHash GetContext(byte[] key)
    {
        var contexts = _contexts ??= new Context[ContextsPerThread];
        foreach (var context in contexts)
        {
            if (ReferenceEquals(context.Key, key))
            {
                return context.Hmac!;
            }
        }

        // a new key (a new day, a rotated secret): replace the contexts in turn
        var index = _nextEvicted;
        _nextEvicted = (index + 1) % ContextsPerThread;
        contexts[index].Hmac?.Dispose();
        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        contexts[index] = new Context(key, hmac);
        return hmac;
    }

    private readonly record struct Context(byte[]? Key, IncrementalHash? Hmac);
}

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
