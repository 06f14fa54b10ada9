using System.Security.Cryptography;
using System.Text;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>
/// An independent, deliberately plain SigV4 implementation (no code shared with the library) that recomputes the
/// signature of a presigned URL or a POST policy, the way S3 does when it checks one.
/// </summary>
public static class SigV4Verifier
{
    /// <summary>Recomputes the signature of a presigned URL from the URL itself and the headers the client sends.</summary>
    public static string ExpectedUrlSignature(string method, string url, IReadOnlyDictionary<string, string> headers, string secretKey)
    {
        var uri = new Uri(url);
        var rawPath = QueryString.WithoutQuery(url)[(uri.Scheme.Length + 3 + uri.Authority.Length)..];
        var pairs = QueryString.RawPairs(url).Where(p => p.Key != "X-Amz-Signature").ToList();
        var parameters = QueryString.Parameters(url);
        var canonicalQuery = string.Join('&', pairs
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p.Key)), Value: Encode(Uri.UnescapeDataString(p.Value))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

        var all = headers.Where(h => !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: TrimAll(h.Value)))
            .Append((Name: "host", Value: uri.IsDefaultPort ? uri.Host : uri.Authority))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', all.Select(h => h.Name));
        if (signedHeaders != parameters["X-Amz-SignedHeaders"])
        {
            throw new InvalidOperationException($"The URL signs '{parameters["X-Amz-SignedHeaders"]}' but the client sends '{signedHeaders}'.");
        }

        var canonicalRequest = string.Join('\n', method, rawPath, canonicalQuery, string.Concat(all.Select(h => h.Name + ":" + h.Value + "\n")), signedHeaders, "UNSIGNED-PAYLOAD");
        var amzDate = parameters["X-Amz-Date"];
        var scope = parameters["X-Amz-Credential"][(parameters["X-Amz-Credential"].IndexOf('/', StringComparison.Ordinal) + 1)..];
        var scopeParts = scope.Split('/');
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        return Hex(HMACSHA256.HashData(SigningKey(secretKey, scopeParts[0], scopeParts[1]), Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The signature of a base64 POST policy: HMAC(signing key, policy) in lower-case hex.</summary>
    public static string ExpectedPolicySignature(string base64Policy, string secretKey, string date, string region) =>
        Hex(HMACSHA256.HashData(SigningKey(secretKey, date, region), Encoding.UTF8.GetBytes(base64Policy)));

    private static byte[] SigningKey(string secretKey, string date, string region)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, "s3", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    // SigV4 "Trimall": surrounding spaces removed, runs of spaces collapsed to one
    private static string TrimAll(string value) => System.Text.RegularExpressions.Regex.Replace(value.Trim(), " {2,}", " ");

    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
