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
/// <para>
/// Format <c>s1.</c> (multipart uploads, and grants whose tokens a custom <see cref="IUploadTokenService"/> makes):
/// base64url(json) <c>.</c> base64url(HMAC-SHA256(token key, "du-seal1." + bucket + "\n" + key + "\n" + json)).
/// The MAC's purpose label differs from the token's (<c>du1.</c>), and the bucket and key are bound without being stored,
/// so a seal can never be replayed as a token, nor moved to another object.
/// </para>
/// <para>
/// Format <c>s2.</c> (single-request grants with the built-in token service): the seal and the grant's token come from
/// ONE MAC, T = HMAC-SHA256(token key, "du-grant2." + key + "\n" + json), where json also holds the bucket (<c>b</c>) and
/// the token's expiry (<c>e</c>). The seal is <c>s2.</c> base64url(json) <c>.</c> base64url(T[0..16]); the token is
/// <c>g2.</c> base64url(json) <c>.</c> base64url(key) <c>.</c> base64url(T[16..32]). The two halves of one HMAC output are
/// independent: the seal, which anyone who reads the object's metadata sees, tells nothing of the token's half, so a seal
/// can still not be replayed as a token, nor a token as a seal; each is checked only against its own half. A 128-bit
/// tag is the truncation SP 800-107 and RFC 4868 allow for HMAC-SHA256. One MAC instead of two is a third of a grant's
/// hashing.
/// </para>
/// </remarks>
internal static class GrantSeal
{
    /// <summary>The metadata name (without <c>x-amz-meta-</c>); reserved, refused as client or profile metadata.</summary>
    public const string MetadataKey = "du-grant";

    /// <summary>The prefix of the tokens made with a seal (see the remarks).</summary>
    public const string TokenVersion = "g2.";

    /// <summary>The length of each half of the shared MAC.</summary>
    public const int TagLength = 16;

    private const string Version = "s1.";
    private const string Purpose = "du-seal1.";
    private const string SharedVersion = "s2.";
    private const string SharedPurpose = "du-grant2.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Seals a grant's facts; the JSON is what <see cref="JsonSerializer"/> writes for <see cref="SealedFacts"/>.</summary>
    public static string Create(
        byte[] key, string bucket, string objectKey, string profile, string? owner, long size, string contentType, string? md5, bool multipart, string? digest) =>
        Seal(key, bucket, objectKey, new Facts(1, null, profile, owner, size, contentType, null, md5, multipart, digest)).Seal;

    /// <summary>
    /// Seals a single-request grant's facts and makes its token from the same MAC (format <c>s2.</c>/<c>g2.</c>, see the
    /// remarks). The JSON is what <see cref="JsonSerializer"/> writes for <see cref="SealedFacts"/> with <c>v</c> = 2.
    /// </summary>
    public static (string Seal, string Token) CreateWithToken(
        byte[] key, string bucket, string objectKey, string profile, string? owner, long size, string contentType, string? md5, string? digest, DateTimeOffset tokenExpiresAt)
    {
        var (seal, token) = Seal(key, bucket, objectKey, new Facts(2, bucket, profile, owner, size, contentType, tokenExpiresAt.ToUnixTimeSeconds(), md5, Multipart: false, digest));
        return (seal, token!);
    }

    /// <summary>
    /// Writes the facts' JSON (ASCII text, the usual case, directly into a stack or pooled buffer; other text through
    /// <see cref="JsonSerializer"/>: the same bytes) and seals it in the facts' version: a token too for version 2.
    /// </summary>
    private static (string Seal, string? Token) Seal(byte[] key, string bucket, string objectKey, in Facts facts)
    {
        if (!AsciiJsonWriter.IsAscii(facts.B, facts.P, facts.O, facts.T, facts.M, facts.D))
        {
            var reference = new SealedFacts { V = facts.V, B = facts.B, P = facts.P, O = facts.O, S = facts.S, T = facts.T, E = facts.E, M = facts.M, U = facts.Multipart ? true : null, D = facts.D };
            return Seal(key, bucket, objectKey, facts.V, JsonSerializer.SerializeToUtf8Bytes(reference, SealJsonContext.Default.SealedFacts));
        }

        var max = 96 + AsciiJsonWriter.MaxEscapedLength(facts.B, facts.P, facts.O, facts.T, facts.M, facts.D);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var json = new AsciiJsonWriter(buffer);
            json.WriteRaw("{\"v\":"u8);
            json.WriteNumber(facts.V);
            json.WriteOptional(",\"b\":"u8, facts.B);
            json.WriteRaw(",\"p\":"u8);
            json.WriteString(facts.P);
            json.WriteOptional(",\"o\":"u8, facts.O);
            json.WriteRaw(",\"s\":"u8);
            json.WriteNumber(facts.S);
            json.WriteRaw(",\"t\":"u8);
            json.WriteString(facts.T);
            if (facts.E is { } expires)
            {
                json.WriteRaw(",\"e\":"u8);
                json.WriteNumber(expires);
            }

            json.WriteOptional(",\"m\":"u8, facts.M);
            if (facts.Multipart)
            {
                json.WriteRaw(",\"u\":true"u8);
            }

            json.WriteOptional(",\"d\":"u8, facts.D);
            json.WriteRaw("}"u8);
            return Seal(key, bucket, objectKey, facts.V, json.Written);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static (string Seal, string? Token) Seal(byte[] key, string bucket, string objectKey, int version, ReadOnlySpan<byte> json) =>
        version == 2 ? CreateWithToken(key, objectKey, json) : (Create(key, bucket, objectKey, json), null);

    /// <summary>The facts to seal, as <see cref="SealedFacts"/> names them (a struct: no object for the usual ASCII case).</summary>
    private readonly record struct Facts(int V, string? B, string P, string? O, long S, string T, long? E, string? M, bool Multipart, string? D);

    private static (string Seal, string Token) CreateWithToken(byte[] key, string objectKey, ReadOnlySpan<byte> json)
    {
        Span<byte> tag = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(key, reusedKey: true, SharedPurpose, bucket: null, objectKey, json, tag);
        var seal = Join(SharedVersion, json, tag[..TagLength]);

        // the token: "g2." facts "." key "." the second half of the MAC; the facts' base64 is the seal's, copied
        var facts = seal.AsSpan(SharedVersion.Length, Base64Url.GetEncodedLength(json.Length));
        var keyBytes = Encoding.UTF8.GetByteCount(objectKey);
        byte[]? rented = null;
        var utf8Key = keyBytes <= 1024 ? stackalloc byte[keyBytes] : (rented = ArrayPool<byte>.Shared.Rent(keyBytes));
        try
        {
            utf8Key = utf8Key[..Encoding.UTF8.GetBytes(objectKey, utf8Key)];
            var length = TokenVersion.Length + facts.Length + 1 + Base64Url.GetEncodedLength(utf8Key.Length) + 1 + Base64Url.GetEncodedLength(TagLength);
            char[]? rentedChars = null;
            var token = length <= 1024 ? stackalloc char[length] : (rentedChars = ArrayPool<char>.Shared.Rent(length));
            try
            {
                TokenVersion.CopyTo(token);
                var at = TokenVersion.Length;
                facts.CopyTo(token[at..]);
                at += facts.Length;
                token[at++] = '.';
                at += Base64Url.EncodeToChars(utf8Key, token[at..]);
                token[at++] = '.';
                at += Base64Url.EncodeToChars(tag[TagLength..], token[at..]);
                return (seal, new string(token[..at]));
            }
            finally
            {
                if (rentedChars is not null)
                {
                    ArrayPool<char>.Shared.Return(rentedChars);
                }
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

    /// <summary>
    /// Whether <paramref name="text"/> is only the unpadded base64url alphabet and dots, as seals and tokens are: the
    /// decoder skips white space and padding, which would give one seal or token many spellings.
    /// </summary>
    public static bool IsBase64UrlText(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks a <c>g2.</c> token's MAC (the second half) with any of the keys and returns its facts and object key;
    /// <see langword="null"/> when it is malformed, forged or not a <c>g2.</c> token. Expiry is the caller's to check.
    /// </summary>
    public static (SealedFacts Facts, string Key)? VerifyToken(IEnumerable<byte[]> keys, string token)
    {
        if (!token.StartsWith(TokenVersion, StringComparison.Ordinal) || !IsBase64UrlText(token))
        {
            return null;
        }

        var rest = token.AsSpan(TokenVersion.Length);
        var first = rest.IndexOf('.');
        var last = rest.LastIndexOf('.');
        if (first <= 0 || last <= first + 1 || last == rest.Length - 1 || rest[(first + 1)..last].Contains('.'))
        {
            return null;
        }

        byte[] json;
        string objectKey;
        byte[] mac;
        try
        {
            json = Base64Url.DecodeFromChars(rest[..first]);
            objectKey = StrictUtf8.GetString(Base64Url.DecodeFromChars(rest[(first + 1)..last]));
            mac = Base64Url.DecodeFromChars(rest[(last + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (mac.Length != TagLength || objectKey.Length == 0 || !Matches(keys, SharedPurpose, bucket: null, objectKey, json, mac, TagLength..))
        {
            return null;
        }

        return ReadFacts(json, version: 2) is { } facts ? (facts, objectKey) : null;
    }

    private static string Create(byte[] key, string bucket, string objectKey, ReadOnlySpan<byte> json)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(key, reusedKey: true, Purpose, bucket, objectKey, json, mac);
        return Join(Version, json, mac);
    }

    /// <summary>Writes <paramref name="version"/> base64url(json) "." base64url(mac) with one allocation, the string itself.</summary>
    private static string Join(string version, ReadOnlySpan<byte> json, ReadOnlySpan<byte> mac)
    {
        var bodyLength = Base64Url.GetEncodedLength(json.Length);
        var length = version.Length + bodyLength + 1 + Base64Url.GetEncodedLength(mac.Length);
        Span<char> seal = length <= 512 ? stackalloc char[length] : new char[length];
        version.CopyTo(seal);
        Base64Url.EncodeToChars(json, seal[version.Length..]);
        seal[version.Length + bodyLength] = '.';
        Base64Url.EncodeToChars(mac, seal[(version.Length + bodyLength + 1)..]);
        return new string(seal);
    }

    /// <summary>Verifies a seal (<c>s1.</c> or <c>s2.</c>) with any of the keys; <see langword="null"/> when it is malformed or was not made for this object.</summary>
    public static SealedFacts? Verify(IEnumerable<byte[]> keys, string bucket, string objectKey, string? seal)
    {
        var shared = seal is not null && seal.StartsWith(SharedVersion, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(seal) || seal.Length > 4096 || !(shared || seal.StartsWith(Version, StringComparison.Ordinal)))
        {
            return null;
        }

        var rest = seal.AsSpan(Version.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || rest[(dot + 1)..].Contains('.'))
        {
            return null;
        }

        if (!IsBase64UrlText(rest))
        {
            return null;
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

        if (shared)
        {
            // the first half of the shared MAC, and the bucket the facts name must be this one
            return mac.Length == TagLength && Matches(keys, SharedPurpose, bucket: null, objectKey, json, mac, ..TagLength)
                && ReadFacts(json, version: 2) is { } facts && string.Equals(facts.B, bucket, StringComparison.Ordinal)
                ? facts
                : null;
        }

        return Matches(keys, Purpose, bucket, objectKey, json, mac, Range.All) ? ReadFacts(json, version: 1) : null;
    }

    /// <summary>The facts of a seal whose MAC matched, when they are complete for their version; else <see langword="null"/>.</summary>
    private static SealedFacts? ReadFacts(byte[] json, int version)
    {
        SealedFacts? facts;
        try
        {
            facts = JsonSerializer.Deserialize(json, SealJsonContext.Default.SealedFacts);
        }
        catch (JsonException)
        {
            return null;
        }

        if (facts is null || facts.V != version || string.IsNullOrEmpty(facts.P) || string.IsNullOrEmpty(facts.T) || facts.S <= 0)
        {
            return null;
        }

        // a shared seal is a single-request grant's, with its bucket and its token's expiry; a first-version one has neither
        return version == 2
            ? !string.IsNullOrEmpty(facts.B) && facts.E is not null && facts.U is null ? facts : null
            : facts.B is null && facts.E is null ? facts : null;
    }

    /// <summary>
    /// Whether <paramref name="part"/> of the MAC of (purpose, bucket, object key, json) under any of the keys is
    /// <paramref name="tag"/>: the whole MAC of a first-version seal, one half of a shared one (constant time, every key tried).
    /// </summary>
    private static bool Matches(IEnumerable<byte[]> keys, string purpose, string? bucket, string objectKey, ReadOnlySpan<byte> json, ReadOnlySpan<byte> tag, Range part)
    {
        var matched = false;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            Mac(key, reusedKey: false, purpose, bucket, objectKey, json, expected);
            matched |= CryptographicOperations.FixedTimeEquals(expected[part], tag);
        }

        return matched;
    }

    /// <summary>
    /// HMAC-SHA256(key, purpose + [bucket + "\n"] + object key + "\n" + json), written into <paramref name="mac"/>: a
    /// first-version seal's ("du-seal1.", with the bucket) or the shared one ("du-grant2.", the bucket in the facts). A
    /// long-lived key (<paramref name="reusedKey"/>: the cached token key of every grant) uses a reused keyed context,
    /// which costs about half of a one-shot HMAC; verification keys are decoded per call and take the one-shot path.
    /// </summary>
    private static void Mac(byte[] key, bool reusedKey, string purpose, string? bucket, string objectKey, ReadOnlySpan<byte> json, Span<byte> mac)
    {
        var max = purpose.Length + Encoding.UTF8.GetMaxByteCount((bucket?.Length ?? 0) + objectKey.Length) + 2 + json.Length;
        byte[]? rented = null;
        var data = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var written = Encoding.ASCII.GetBytes(purpose, data);
            if (bucket is not null)
            {
                written += Encoding.UTF8.GetBytes(bucket, data[written..]);
                data[written++] = (byte)'\n';
            }

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
