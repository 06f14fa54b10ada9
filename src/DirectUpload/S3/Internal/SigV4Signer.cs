using System.Globalization;
using System.Text;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned URLs (query-string SigV4) and POST policies locally, with a cache of the derived signing key per
/// (date, region, service, secret). Thread-safe. The clock comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SigV4Signer
{
    private readonly TimeProvider _timeProvider;
    private SigningKeyEntry? _cached;

    public SigV4Signer(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>
    /// The clock's current instant truncated to whole seconds, as SigV4 writes it (<c>X-Amz-Date</c>), so that a grant's
    /// <c>ExpiresAt</c> is exactly when the store stops accepting it.
    /// </summary>
    public static DateTimeOffset SigningInstant(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>Creates a presigned URL.</summary>
    /// <param name="method">The HTTP method (PUT, GET, …).</param>
    /// <param name="endpoint">Where the bucket lives.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="key">The object key, or null for the bucket itself.</param>
    /// <param name="credentials">The signing credentials.</param>
    /// <param name="expires">How long the URL is valid (1 s – 7 days).</param>
    /// <param name="now">The signing instant.</param>
    /// <param name="headers">Extra headers to sign (names in any case; host is always signed).</param>
    /// <param name="query">Extra query parameters (e.g. partNumber, uploadId, response-content-type), unencoded.</param>
    public string Presign(
        string method,
        S3Endpoint endpoint,
        string bucket,
        string? key,
        SigningCredentials credentials,
        TimeSpan expires,
        DateTimeOffset now,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        IEnumerable<KeyValuePair<string, string>>? query = null)
    {
        var seconds = (long)Math.Ceiling(expires.TotalSeconds);
        if (seconds is < 1 or > 604800)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "A presigned URL must expire within 1 second to 7 days.");
        }

        var amzDate = SigV4.FormatAmzDate(now);
        var date = amzDate[..8];
        var scope = SigV4.Scope(date, endpoint.Region);
        var host = endpoint.HostFor(bucket);

        // canonical headers: lower-case names, trimmed values, sorted; host always signed
        var canonicalHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host };
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                canonicalHeaders[name.ToLowerInvariant()] = TrimHeaderValue(value);
            }
        }

        var signedHeaders = string.Join(';', canonicalHeaders.Keys);

        var parameters = new List<KeyValuePair<string, string>>(8)
        {
            new("X-Amz-Algorithm", SigV4.Algorithm),
            new("X-Amz-Credential", string.Concat(credentials.AccessKeyId, "/", scope)),
            new("X-Amz-Date", amzDate),
            new("X-Amz-Expires", seconds.ToString(CultureInfo.InvariantCulture)),
            new("X-Amz-SignedHeaders", signedHeaders),
        };
        if (credentials.SessionToken is not null)
        {
            parameters.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        }

        if (query is not null)
        {
            parameters.AddRange(query);
        }

        var encoded = new List<(string Name, string Value)>(parameters.Count);
        foreach (var (name, value) in parameters)
        {
            encoded.Add((SigV4.UriEncode(name, encodeSlash: true), SigV4.UriEncode(value, encodeSlash: true)));
        }

        encoded.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var queryBuilder = new StringBuilder(512);
        foreach (var (name, value) in encoded)
        {
            if (queryBuilder.Length > 0)
            {
                queryBuilder.Append('&');
            }

            queryBuilder.Append(name).Append('=').Append(value);
        }

        var canonicalQuery = queryBuilder.ToString();
        var path = endpoint.PathFor(bucket, key);

        var canonicalRequest = new StringBuilder(1024)
            .Append(method).Append('\n')
            .Append(path).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        }

        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(SigV4.UnsignedPayload);

        var stringToSign = SigV4.StringToSign(amzDate, scope, canonicalRequest.ToString());
        var signature = SigV4.HexHmac(GetSigningKey(credentials.SecretAccessKey, date, endpoint.Region), stringToSign);

        var url = new StringBuilder(path.Length + canonicalQuery.Length + 128)
            .Append(endpoint.Scheme).Append("://").Append(host).Append(path)
            .Append('?').Append(canonicalQuery)
            .Append("&X-Amz-Signature=").Append(signature);
        return url.ToString();
    }

    /// <summary>Signs a base64 POST policy: the signature is HMAC(signing key, base64 policy) in lower-case hex.</summary>
    public string SignPolicy(string base64Policy, string secretAccessKey, string date, string region) =>
        SigV4.HexHmac(GetSigningKey(secretAccessKey, date, region), base64Policy);

    /// <summary>Gets the derived signing key, from the cache when the (date, region, secret) match the last one.</summary>
    internal byte[] GetSigningKey(string secretAccessKey, string date, string region)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && cached.Date == date && cached.Region == region && cached.Secret == secretAccessKey)
        {
            return cached.Key;
        }

        var key = SigV4.DeriveSigningKey(secretAccessKey, date, region, SigV4.Service);
        Volatile.Write(ref _cached, new SigningKeyEntry(secretAccessKey, date, region, key));
        return key;
    }

    private static string TrimHeaderValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    private sealed record SigningKeyEntry(string Secret, string Date, string Region, byte[] Key);
}
