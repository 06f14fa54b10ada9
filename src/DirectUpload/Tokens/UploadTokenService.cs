using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DirectUpload.Internal;

/// <summary>
/// Token format <c>v1</c>: <c>base64url(json) "." base64url(HMAC-SHA256(key, "du1." + base64url(json)))</c>.
/// The JSON uses one-letter names to stay compact. Verification is constant-time and accepts previous keys.
/// </summary>
internal sealed class UploadTokenService : IUploadTokenService
{
    private const string Domain = "du1.";
    // bounds the work done on garbage input; the largest ticket the issuers can produce (a 1024-byte key, a 256-character
    // owner and a 255-character type, all in characters JSON escapes to six bytes) makes a token of about 13,000 characters
    private const int MaxTokenLength = 32 * 1024;
    private const long MinUnixSeconds = -62_135_596_800; // DateTimeOffset.MinValue
    private const long MaxUnixSeconds = 253_402_300_799; // DateTimeOffset.MaxValue
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly CurrentTokenKey _signingKey = new();

    public UploadTokenService(IOptionsMonitor<DirectUploadOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public string CreateToken(UploadTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = _signingKey.Get(_options.CurrentValue.TokenSigningKey);

        // The payload is what JsonSerializer writes for TokenPayload; for ASCII text it is written directly (same bytes).
        var maxJson = AsciiJsonWriter.IsAscii(ticket.Profile, ticket.Key, ticket.OwnerId, ticket.ContentType, ticket.UploadId, ticket.ContentMd5, ticket.MetadataDigest)
            ? 142 + AsciiJsonWriter.MaxEscapedLength(ticket.Profile, ticket.Key, ticket.OwnerId, ticket.ContentType, ticket.UploadId, ticket.ContentMd5, ticket.MetadataDigest)
            : -1;
        if (maxJson < 0)
        {
            return CreateToken(key, SerializePayload(ticket));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxJson);
        try
        {
            var json = new AsciiJsonWriter(buffer);
            json.WriteRaw("{\"v\":1,\"p\":"u8);
            json.WriteString(ticket.Profile);
            json.WriteRaw(",\"k\":"u8);
            json.WriteString(ticket.Key);
            json.WriteOptional(",\"o\":"u8, ticket.OwnerId);
            json.WriteRaw(",\"s\":"u8);
            json.WriteNumber(ticket.Size);
            json.WriteRaw(",\"t\":"u8);
            json.WriteString(ticket.ContentType);
            json.WriteRaw(",\"e\":"u8);
            json.WriteNumber(ticket.ExpiresAt.ToUnixTimeSeconds());
            json.WriteOptional(",\"u\":"u8, ticket.UploadId);

            if (ticket.PartSize != 0)
            {
                json.WriteRaw(",\"z\":"u8);
                json.WriteNumber(ticket.PartSize);
            }

            json.WriteOptional(",\"m\":"u8, ticket.ContentMd5);
            json.WriteOptional(",\"d\":"u8, ticket.MetadataDigest);

            json.WriteRaw("}"u8);
            return CreateToken(key, json.Written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public UploadTicket ValidateToken(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            throw Invalid("The token is missing or too long.");
        }

        // only the unpadded base64url alphabet: the decoder skips white space and padding, which would give one ticket many tokens
        if (!GrantSeal.IsBase64UrlText(token))
        {
            throw Invalid("The token is not base64url.");
        }

        if (token.StartsWith(GrantSeal.TokenVersion, StringComparison.Ordinal))
        {
            return ValidateSealedToken(token);
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.') || dot == token.Length - 1)
        {
            throw Invalid("The token is malformed.");
        }

        var body = token[..dot];
        byte[] mac;
        byte[] payload;
        try
        {
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            payload = Base64Url.DecodeFromChars(body);
        }
        catch (FormatException e)
        {
            throw Invalid("The token is not base64url.", e);
        }

        var options = _options.CurrentValue;
        if (!Matches(options.TokenSigningKey, body, mac) && !options.PreviousTokenSigningKeys.Any(k => Matches(k, body, mac)))
        {
            throw Invalid("The token's signature does not match.");
        }

        TokenPayload? p;
        try
        {
            p = JsonSerializer.Deserialize(payload, TokenJsonContext.Default.TokenPayload);
        }
        catch (JsonException e)
        {
            throw Invalid("The token's payload is malformed.", e);
        }

        if (p is null || p.V != 1 || string.IsNullOrEmpty(p.P) || string.IsNullOrEmpty(p.K) || string.IsNullOrEmpty(p.T) || p.S <= 0)
        {
            throw Invalid("The token's payload is incomplete.");
        }

        var expiresAt = NotExpired(p.E);

        return new UploadTicket
        {
            Profile = p.P,
            Key = p.K,
            OwnerId = p.O,
            Size = p.S,
            ContentType = p.T,
            ExpiresAt = expiresAt,
            UploadId = p.U,
            ContentMd5 = p.M,
            MetadataDigest = p.D,
            PartSize = p.Z ?? 0,
        };
    }

    /// <summary>A single-request grant's token made with its seal (<see cref="GrantSeal"/>, format <c>g2.</c>).</summary>
    private UploadTicket ValidateSealedToken(string token)
    {
        var verified = GrantSeal.VerifyToken(TokenKeys.All(_options.CurrentValue), token)
            ?? throw Invalid("The token is malformed or its signature does not match.");
        var (facts, key) = verified;
        return facts.ToTicket(key) with { ExpiresAt = NotExpired(facts.E ?? throw Invalid("The token's payload is incomplete.")) };
    }

    /// <summary>A verified token's expiry, unless it has passed (or is no instant at all).</summary>
    private DateTimeOffset NotExpired(long unixSeconds)
    {
        if (unixSeconds is < MinUnixSeconds or > MaxUnixSeconds)
        {
            throw Invalid("The token's payload is incomplete.");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        if (_timeProvider.GetUtcNow() >= expiresAt)
        {
            throw new UploadRejectedException(UploadRejectionReason.Expired, "The token has expired.");
        }

        return expiresAt;
    }

    /// <summary>The reference serializer of the payload, used for text that is not ASCII.</summary>
    private static byte[] SerializePayload(UploadTicket ticket) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new TokenPayload
            {
                P = ticket.Profile,
                K = ticket.Key,
                O = ticket.OwnerId,
                S = ticket.Size,
                T = ticket.ContentType,
                E = ticket.ExpiresAt.ToUnixTimeSeconds(),
                U = ticket.UploadId,
                Z = ticket.PartSize == 0 ? null : ticket.PartSize,
                M = ticket.ContentMd5,
                D = ticket.MetadataDigest,
            },
            TokenJsonContext.Default.TokenPayload);

    /// <summary>Writes <c>base64url(payload) "." base64url(mac)</c> with one allocation: the token itself.</summary>
    private static string CreateToken(byte[] key, ReadOnlySpan<byte> payload)
    {
        // layout: "du1." body "." mac; the MAC covers "du1." + body, the token is body "." mac
        var bodyLength = Base64Url.GetEncodedLength(payload.Length);
        var tokenLength = bodyLength + 1 + Base64Url.GetEncodedLength(32);
        var total = Domain.Length + tokenLength;
        byte[]? rented = null;
        var buffer = total <= 512 ? stackalloc byte[total] : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            var written = Encoding.ASCII.GetBytes(Domain, buffer);
            written += Base64Url.EncodeToUtf8(payload, buffer[written..]);
            Span<byte> mac = stackalloc byte[32];
            KeyedHmac.HashData(key, buffer[..written], mac);
            buffer[written++] = (byte)'.';
            written += Base64Url.EncodeToUtf8(mac, buffer[written..]);
            return Encoding.ASCII.GetString(buffer[Domain.Length..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool Matches(string? base64Key, string body, byte[] mac)
    {
        var key = TokenKeys.Decode(base64Key);
        return key is not null && CryptographicOperations.FixedTimeEquals(Mac(key, body), mac);
    }

    private static byte[] Mac(byte[] key, string body)
    {
        var data = Encoding.ASCII.GetBytes(Domain + body);
        return HMACSHA256.HashData(key, data);
    }

    private static UploadRejectedException Invalid(string message, Exception? inner = null) =>
        new(UploadRejectionReason.InvalidToken, message, inner);

}
