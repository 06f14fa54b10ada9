using System.Globalization;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned URLs (query-string SigV4) and POST policies locally, with a cache of the derived signing key and
/// credential scope per (access key, secret, date, region). Thread-safe. It has no clock: callers pass the signing instant
/// (<see cref="SigningInstant"/> of their injected <see cref="TimeProvider"/>).
/// </summary>
/// <remarks>
/// The canonical request, string to sign and URL are written into one stack (or pooled) buffer and hashed from there,
/// so a presigned URL allocates little more than the URL string itself.
/// </remarks>
internal sealed class SigV4Signer
{
    private const int MaxExpirySeconds = 604800;

    private SigningKeyEntry? _cachedKey;
    private SigningScope? _cachedScope;

    /// <summary>
    /// The clock's current instant truncated to whole seconds, as SigV4 writes it (<c>X-Amz-Date</c>), so that a grant's
    /// <c>ExpiresAt</c> is exactly when the store stops accepting it.
    /// </summary>
    public static DateTimeOffset SigningInstant(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>Creates a presigned URL for an object (or the bucket itself) at a bucket's address.</summary>
    /// <param name="address">Where the bucket lives (resolved once per profile).</param>
    /// <param name="method">The HTTP method (PUT, GET, …).</param>
    /// <param name="key">The object key, or null for the bucket itself.</param>
    /// <param name="credentials">The signing credentials.</param>
    /// <param name="expires">How long the URL is valid (1 s – 7 days).</param>
    /// <param name="now">The signing instant.</param>
    /// <param name="headers">Extra headers to sign (names in any case; host is always signed).</param>
    /// <param name="query">Extra query parameters (e.g. partNumber, uploadId, response-content-type), unencoded.</param>
    public string Presign(
        string method,
        BucketAddress address,
        string? key,
        SigningCredentials credentials,
        TimeSpan expires,
        DateTimeOffset now,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        IEnumerable<KeyValuePair<string, string>>? query = null)
    {
        var seconds = (long)Math.Ceiling(expires.TotalSeconds);
        if (seconds is < 1 or > MaxExpirySeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "A presigned URL must expire within 1 second to 7 days.");
        }

        var utc = now.UtcDateTime;
        var scope = GetScope(credentials.AccessKeyId, credentials.SecretAccessKey, utc, address.Region);
        Span<char> amzDate = stackalloc char[SigV4.AmzDateLength];
        SigV4.WriteAmzDate(amzDate, utc);

        var canonicalHeaders = CanonicalHeaders.Create(address.Host, headers);
        var parameters = QueryParameters.Create(query);
        var buffer = new CharBuffer(stackalloc char[1024]);
        try
        {
            // canonical request: method, path, query, headers, signed headers, payload hash
            buffer.Append(method);
            buffer.Append('\n');
            var pathStart = buffer.Length;
            buffer.Append(address.BucketPath);
            if (key is not null)
            {
                buffer.Append('/');
                SigV4.AppendUriEncoded(ref buffer, key, encodeSlash: false);
            }
            else if (!address.Endpoint.PathStyle)
            {
                buffer.Append('/');
            }

            var pathLength = buffer.Length - pathStart;
            buffer.Append('\n');
            var queryStart = buffer.Length;
            var fixedValues = new CanonicalQuery.FixedValues(scope, amzDate, seconds, credentials.SessionToken, canonicalHeaders);
            CanonicalQuery.Append(ref buffer, fixedValues, parameters);
            var queryLength = buffer.Length - queryStart;
            buffer.Append('\n');
            canonicalHeaders.AppendCanonical(ref buffer);
            buffer.Append('\n');
            canonicalHeaders.AppendSignedHeaders(ref buffer, encoded: false);
            buffer.Append('\n');
            buffer.Append(SigV4.UnsignedPayload);

            Span<byte> signature = stackalloc byte[32];
            Sign(scope, amzDate, buffer.Written, signature);

            // the URL reuses the path and query just written
            var urlStart = buffer.Length;
            buffer.Append(address.Origin);
            buffer.AppendWritten(pathStart, pathLength);
            buffer.Append('?');
            buffer.AppendWritten(queryStart, queryLength);
            buffer.Append("&X-Amz-Signature=");
            Convert.TryToHexStringLower(signature, buffer.AppendSpan(SigV4.HexHashLength), out _);
            return new string(buffer.Slice(urlStart, buffer.Length - urlStart));
        }
        finally
        {
            buffer.Dispose();
            parameters.Dispose();
            canonicalHeaders.Dispose();
        }
    }

    /// <summary>Signs a base64 POST policy given as its (ASCII) bytes.</summary>
    public static string SignPolicy(ReadOnlySpan<byte> base64Policy, SigningScope scope)
    {
        Span<byte> mac = stackalloc byte[32];
        KeyedHmac.HashData(scope.Key, base64Policy, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Gets the derived signing key, from the cache when the (date, region, secret) match the last one.</summary>
    private byte[] GetSigningKey(string secretAccessKey, string date, string region)
    {
        var cached = Volatile.Read(ref _cachedKey);
        if (cached is not null && cached.Date == date && cached.Region == region && cached.Secret == secretAccessKey)
        {
            return cached.Key;
        }

        var key = SigV4.DeriveSigningKey(secretAccessKey, date, region, SigV4.Service);
        Volatile.Write(ref _cachedKey, new SigningKeyEntry(secretAccessKey, date, region, key));
        return key;
    }

    /// <summary>
    /// Gets the signing key and the credential scope strings for the UTC date of <paramref name="utc"/>, from the cache when
    /// the access key, secret, date and region match the last ones (rotated credentials simply miss the cache).
    /// </summary>
    internal SigningScope GetScope(string accessKeyId, string secretAccessKey, DateTime utc, string region)
    {
        var dateNumber = (utc.Year * 10000) + (utc.Month * 100) + utc.Day;
        var cached = Volatile.Read(ref _cachedScope);
        if (cached is not null && cached.DateNumber == dateNumber && cached.Region == region
            && cached.SecretAccessKey == secretAccessKey && cached.AccessKeyId == accessKeyId)
        {
            return cached;
        }

        var date = dateNumber.ToString("D8", CultureInfo.InvariantCulture);
        var scope = new SigningScope(accessKeyId, secretAccessKey, dateNumber, date, region, GetSigningKey(secretAccessKey, date, region));
        Volatile.Write(ref _cachedScope, scope);
        return scope;
    }

    /// <summary>Computes the signature of a canonical request: HMAC(key, "AWS4-HMAC-SHA256\n{date}\n{scope}\n{hex sha256(request)}").</summary>
    private static void Sign(SigningScope scope, ReadOnlySpan<char> amzDate, ReadOnlySpan<char> canonicalRequest, Span<byte> signature)
    {
        Span<byte> hash = stackalloc byte[32];
        Hashing.Sha256OfUtf8(canonicalRequest, hash);

        var stringToSign = new CharBuffer(stackalloc char[256]);
        try
        {
            stringToSign.Append(SigV4.Algorithm);
            stringToSign.Append('\n');
            stringToSign.Append(amzDate);
            stringToSign.Append('\n');
            stringToSign.Append(scope.Scope);
            stringToSign.Append('\n');
            Convert.TryToHexStringLower(hash, stringToSign.AppendSpan(SigV4.HexHashLength), out _);
            Hashing.HmacOfUtf8(scope.Key, stringToSign.Written, signature);
        }
        finally
        {
            stringToSign.Dispose();
        }
    }

    private sealed record SigningKeyEntry(string Secret, string Date, string Region, byte[] Key);
}
