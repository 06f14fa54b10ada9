using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectUpload.S3.Internal;
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
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly TimeProvider _timeProvider;
    private DecodedKey? _signingKey;

    public UploadTokenService(IOptionsMonitor<DirectUploadOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public string CreateToken(UploadTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = GetSigningKey();

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
            if (ticket.OwnerId is { } owner)
            {
                json.WriteRaw(",\"o\":"u8);
                json.WriteString(owner);
            }

            json.WriteRaw(",\"s\":"u8);
            json.WriteNumber(ticket.Size);
            json.WriteRaw(",\"t\":"u8);
            json.WriteString(ticket.ContentType);
            json.WriteRaw(",\"e\":"u8);
            json.WriteNumber(ticket.ExpiresAt.ToUnixTimeSeconds());
            if (ticket.UploadId is { } uploadId)
            {
                json.WriteRaw(",\"u\":"u8);
                json.WriteString(uploadId);
            }

            if (ticket.PartSize != 0)
            {
                json.WriteRaw(",\"z\":"u8);
                json.WriteNumber(ticket.PartSize);
            }

            if (ticket.ContentMd5 is { } md5)
            {
                json.WriteRaw(",\"m\":"u8);
                json.WriteString(md5);
            }

            if (ticket.MetadataDigest is { } digest)
            {
                json.WriteRaw(",\"d\":"u8);
                json.WriteString(digest);
            }

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
        foreach (var c in token)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                throw Invalid("The token is not base64url.");
            }
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
            ContentMd5 = p.M,
            MetadataDigest = p.D,
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
        var key = DecodeKey(base64Key);
        return key is not null && CryptographicOperations.FixedTimeEquals(Mac(key, body), mac);
    }

    private static byte[] Mac(byte[] key, string body)
    {
        var data = Encoding.ASCII.GetBytes(Domain + body);
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>The decoded <see cref="DirectUploadOptions.TokenSigningKey"/>, decoded again only when the option's value changes.</summary>
    private byte[] GetSigningKey()
    {
        var configured = _options.CurrentValue.TokenSigningKey;
        var cached = Volatile.Read(ref _signingKey);
        if (cached is not null && string.Equals(cached.Base64, configured, StringComparison.Ordinal))
        {
            return cached.Key;
        }

        var key = DecodeKey(configured)
            ?? throw new InvalidOperationException("DirectUploadOptions.TokenSigningKey is not set to a base64 key of at least 32 bytes.");
        Volatile.Write(ref _signingKey, new DecodedKey(configured!, key));
        return key;
    }

    private static UploadRejectedException Invalid(string message, Exception? inner = null) =>
        new(UploadRejectionReason.InvalidToken, message, inner);

    private sealed record DecodedKey(string Base64, byte[] Key);
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

    public string? M { get; set; }

    public string? D { get; set; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TokenPayload))]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}

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
    public void WriteString(ReadOnlySpan<char> value)
    {
        _buffer[_length++] = (byte)'"';
        while (true)
        {
            // copy the run that needs no escaping in one go (usually all of it)
            var escape = value.IndexOfAny(NeedsEscaping);
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

    public void WriteNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_length..], out var written);
        _length += written;
    }

    /// <summary>Writes a value formatted with the invariant culture, unquoted and unescaped (the format must yield plain ASCII).</summary>
    public void WriteFormatted<T>(T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        value.TryFormat(_buffer[_length..], out var written, format, CultureInfo.InvariantCulture);
        _length += written;
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
        const string Hex = "0123456789ABCDEF";
        WriteRaw("\\u00"u8);
        _buffer[_length++] = (byte)Hex[c >> 4];
        _buffer[_length++] = (byte)Hex[c & 15];
    }
}
