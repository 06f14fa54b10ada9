using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DirectUpload.S3.Internal;

/// <summary>AWS Signature Version 4 primitives used for presigned URLs and POST policies (S3 rules: no double encoding).</summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string Service = "s3";

    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>URI-encodes per SigV4: every byte except A–Z a–z 0–9 - . _ ~ becomes %XX (upper-case); '/' kept unless <paramref name="encodeSlash"/>.</summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (!IsUnreserved(c) && (encodeSlash || c != '/'))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (b < 0x80 && (IsUnreserved(c) || (!encodeSlash && c == '/')))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 15]);
            }
        }

        return builder.ToString();
    }

    public static string FormatAmzDate(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string FormatDate(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Scope(string date, string region) => string.Concat(date, "/", region, "/", Service, "/aws4_request");

    public static string HexSha256(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string HexHmac(byte[] key, string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value), mac);
        return Convert.ToHexStringLower(mac);
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

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
