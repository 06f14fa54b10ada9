using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using DirectUpload.Internal;

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
    private static bool NeedsUriEncoding(ReadOnlySpan<char> value, bool encodeSlash) =>
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
    private static void WriteDigits(Span<char> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    public static string Scope(string date, string region) => string.Concat(date, "/", region, "/", Service, "/aws4_request");

    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, "aws4_request"u8);
    }

    private static void AppendPercentEncoded(ref CharBuffer buffer, byte b)
    {
        var chars = buffer.AppendSpan(3);
        chars[0] = '%';
        chars[1] = Hex.Upper(b >> 4);
        chars[2] = Hex.Upper(b & 15);
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
