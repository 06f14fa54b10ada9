using System.Buffers;
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

    /// <summary>Seals a grant's facts; the JSON is what <see cref="JsonSerializer"/> writes for <see cref="SealedFacts"/>.</summary>
    public static string Create(
        byte[] key, string bucket, string objectKey, string profile, string? owner, long size, string contentType, string? md5, bool multipart, string? digest)
    {
        if (!AsciiJsonWriter.IsAscii(profile, owner, contentType, md5, digest))
        {
            var facts = new SealedFacts { P = profile, O = owner, S = size, T = contentType, M = md5, U = multipart ? true : null, D = digest };
            return Create(key, bucket, objectKey, JsonSerializer.SerializeToUtf8Bytes(facts, SealJsonContext.Default.SealedFacts));
        }

        // ASCII text (the usual case) is written directly into a stack or pooled buffer: the same bytes, no JSON array
        var max = 64 + AsciiJsonWriter.MaxEscapedLength(profile, owner, contentType, md5, digest);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var json = new AsciiJsonWriter(buffer);
            json.WriteRaw("{\"v\":1,\"p\":"u8);
            json.WriteString(profile);
            json.WriteOptional(",\"o\":"u8, owner);
            json.WriteRaw(",\"s\":"u8);
            json.WriteNumber(size);
            json.WriteRaw(",\"t\":"u8);
            json.WriteString(contentType);
            json.WriteOptional(",\"m\":"u8, md5);

            if (multipart)
            {
                json.WriteRaw(",\"u\":true"u8);
            }

            json.WriteOptional(",\"d\":"u8, digest);
            json.WriteRaw("}"u8);
            return Create(key, bucket, objectKey, json.Written);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Create(byte[] key, string bucket, string objectKey, ReadOnlySpan<byte> json)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(key, reusedKey: true, bucket, objectKey, json, mac);
        var bodyLength = Base64Url.GetEncodedLength(json.Length);
        var length = Version.Length + bodyLength + 1 + Base64Url.GetEncodedLength(mac.Length);
        Span<char> seal = length <= 512 ? stackalloc char[length] : new char[length];
        Version.CopyTo(seal);
        Base64Url.EncodeToChars(json, seal[Version.Length..]);
        seal[Version.Length + bodyLength] = '.';
        Base64Url.EncodeToChars(mac, seal[(Version.Length + bodyLength + 1)..]);
        return new string(seal);
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
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            Mac(key, reusedKey: false, bucket, objectKey, json, expected);
            matched |= CryptographicOperations.FixedTimeEquals(expected, mac);
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

    /// <summary>
    /// HMAC-SHA256(key, purpose + bucket + "\n" + key + "\n" + json), written into <paramref name="mac"/>. A long-lived key
    /// (<paramref name="reusedKey"/>: the cached token key of every grant) uses a reused keyed context, which costs about
    /// half of a one-shot HMAC; verification keys are decoded per call and take the one-shot path.
    /// </summary>
    private static void Mac(byte[] key, bool reusedKey, string bucket, string objectKey, ReadOnlySpan<byte> json, Span<byte> mac)
    {
        var max = Purpose.Length + Encoding.UTF8.GetMaxByteCount(bucket.Length + objectKey.Length) + 2 + json.Length;
        byte[]? rented = null;
        var data = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var written = Encoding.ASCII.GetBytes(Purpose, data);
            written += Encoding.UTF8.GetBytes(bucket, data[written..]);
            data[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(objectKey, data[written..]);
            data[written++] = (byte)'\n';
            json.CopyTo(data[written..]);
            written += json.Length;
            if (reusedKey)
            {
                KeyedHmac.HashData(key, data[..written], mac);
            }
            else
            {
                HMACSHA256.HashData(key, data[..written], mac);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
