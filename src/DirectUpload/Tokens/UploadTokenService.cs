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
    private const int MaxTokenLength = 8192;
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly TimeProvider _timeProvider;

    public UploadTokenService(IOptionsMonitor<DirectUploadOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public string CreateToken(UploadTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = DecodeKey(_options.CurrentValue.TokenSigningKey)
            ?? throw new InvalidOperationException("DirectUploadOptions.TokenSigningKey is not set to a base64 key of at least 32 bytes.");

        var payload = JsonSerializer.SerializeToUtf8Bytes(
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
            },
            TokenJsonContext.Default.TokenPayload);
        var body = Base64Url.EncodeToString(payload);
        return string.Concat(body, ".", Base64Url.EncodeToString(Mac(key, body)));
    }

    public UploadTicket ValidateToken(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            throw Invalid("The token is missing or too long.");
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

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(p.E);
        if (_timeProvider.GetUtcNow() >= expiresAt)
        {
            throw new UploadRejectedException(UploadRejectionReason.Expired, "The token has expired.");
        }

        return new UploadTicket
        {
            Profile = p.P,
            Key = p.K,
            OwnerId = p.O,
            Size = p.S,
            ContentType = p.T,
            ExpiresAt = expiresAt,
            UploadId = p.U,
            PartSize = p.Z ?? 0,
        };
    }

    internal static byte[]? DecodeKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written >= 32 ? buffer[..written] : null;
    }

    private static bool Matches(string? base64Key, string body, byte[] mac)
    {
        var key = DecodeKey(base64Key);
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

internal sealed class TokenPayload
{
    public int V { get; set; } = 1;

    public string P { get; set; } = string.Empty;

    public string K { get; set; } = string.Empty;

    public string? O { get; set; }

    public long S { get; set; }

    public string T { get; set; } = string.Empty;

    public long E { get; set; }

    public string? U { get; set; }

    public long? Z { get; set; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TokenPayload))]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
