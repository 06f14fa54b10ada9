using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DirectUpload.Internal;

/// <summary>
/// The grant's facts, signed into the object's own metadata (<c>x-amz-meta-du-grant</c>) so that whoever sees the object
/// later (an S3 event handler, a queue worker, another app instance) can verify what was granted with nothing but a HEAD.
/// </summary>
/// <remarks>
/// Format <c>s1.</c> base64url(json) <c>.</c> base64url(HMAC-SHA256(token key, "du-seal1." + bucket + "\n" + key + "\n" + json)).
/// The MAC's purpose label differs from the token's (<c>du1.</c>), and the bucket and key are bound without being stored,
/// so a seal can never be replayed as a token, nor moved to another object.
/// </remarks>
internal static class GrantSeal
{
    /// <summary>The metadata name (without <c>x-amz-meta-</c>); reserved, refused as client or profile metadata.</summary>
    public const string MetadataKey = "du-grant";

    private const string Version = "s1.";
    private const string Purpose = "du-seal1.";

    public static string Create(byte[] key, string bucket, string objectKey, SealedFacts facts)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(facts, SealJsonContext.Default.SealedFacts);
        var body = Base64Url.EncodeToString(json);
        return string.Concat(Version, body, ".", Base64Url.EncodeToString(Mac(key, bucket, objectKey, json)));
    }

    /// <summary>Verifies a seal with any of the keys; <see langword="null"/> when it is malformed or was not made for this object.</summary>
    public static SealedFacts? Verify(IEnumerable<byte[]> keys, string bucket, string objectKey, string? seal)
    {
        if (string.IsNullOrEmpty(seal) || seal.Length > 4096 || !seal.StartsWith(Version, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = seal.AsSpan(Version.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || rest[(dot + 1)..].Contains('.'))
        {
            return null;
        }

        foreach (var c in rest)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return null;
            }
        }

        byte[] json;
        byte[] mac;
        try
        {
            json = Base64Url.DecodeFromChars(rest[..dot]);
            mac = Base64Url.DecodeFromChars(rest[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        var matched = false;
        foreach (var key in keys)
        {
            matched |= CryptographicOperations.FixedTimeEquals(Mac(key, bucket, objectKey, json), mac);
        }

        if (!matched)
        {
            return null;
        }

        try
        {
            var facts = JsonSerializer.Deserialize(json, SealJsonContext.Default.SealedFacts);
            return facts is { V: 1 } && !string.IsNullOrEmpty(facts.P) && !string.IsNullOrEmpty(facts.T) && facts.S > 0 ? facts : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Mac(byte[] key, string bucket, string objectKey, byte[] json)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Concat(Purpose, bucket, "\n", objectKey, "\n"));
        var data = new byte[prefix.Length + json.Length];
        prefix.CopyTo(data, 0);
        json.CopyTo(data, prefix.Length);
        return HMACSHA256.HashData(key, data);
    }
}
