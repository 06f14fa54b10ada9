using System.Buffers;
using System.Globalization;
using System.Text;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned URLs (query-string SigV4) and POST policies locally, with a cache of the derived signing key and
/// credential scope per (access key, secret, date, region). Thread-safe. The clock comes from the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The canonical request, string to sign and URL are written into one stack (or pooled) buffer and hashed from there,
/// so a presigned URL allocates little more than the URL string itself.
/// </remarks>
internal sealed class SigV4Signer
{
    private const int MaxExpirySeconds = 604800;

    // The fixed query parameters in canonical (ordinal) order; none of the names needs URI encoding.
    private static readonly string[] FixedParameterNames =
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-SignedHeaders"];

    private readonly TimeProvider _timeProvider;
    private SigningKeyEntry? _cachedKey;
    private SigningScope? _cachedScope;

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
        IEnumerable<KeyValuePair<string, string>>? query = null) =>
        Presign(method, endpoint.AddressOf(bucket), key, credentials, expires, now, headers, query);

    /// <summary>Creates a presigned URL for an object of a bucket whose address was computed beforehand.</summary>
    /// <inheritdoc cref="Presign(string, S3Endpoint, string, string?, SigningCredentials, TimeSpan, DateTimeOffset, IEnumerable{KeyValuePair{string, string}}?, IEnumerable{KeyValuePair{string, string}}?)"/>
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
            var fixedValues = new FixedValues(scope, amzDate, seconds, credentials.SessionToken, canonicalHeaders);
            AppendCanonicalQuery(ref buffer, fixedValues, parameters);
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

    /// <summary>Signs a base64 POST policy: the signature is HMAC(signing key, base64 policy) in lower-case hex.</summary>
    public string SignPolicy(string base64Policy, string secretAccessKey, string date, string region) =>
        SigV4.HexHmac(GetSigningKey(secretAccessKey, date, region), base64Policy);

    /// <summary>Signs a base64 POST policy given as its (ASCII) bytes.</summary>
    public static string SignPolicy(ReadOnlySpan<byte> base64Policy, SigningScope scope)
    {
        Span<byte> mac = stackalloc byte[32];
        KeyedHmac.HashData(scope.Key, base64Policy, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Gets the derived signing key, from the cache when the (date, region, secret) match the last one.</summary>
    internal byte[] GetSigningKey(string secretAccessKey, string date, string region)
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
        SigV4.Sha256OfUtf8(canonicalRequest, hash);

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
            SigV4.HmacOfUtf8(scope.Key, stringToSign.Written, signature);
        }
        finally
        {
            stringToSign.Dispose();
        }
    }

    /// <summary>Writes the canonical query: the fixed X-Amz-* parameters merged with the extra ones, all sorted by (name, value).</summary>
    private static void AppendCanonicalQuery(ref CharBuffer buffer, in FixedValues values, in QueryParameters extra)
    {
        var first = true;
        var next = 0;
        for (var i = 0; i < FixedParameterNames.Length; i++)
        {
            if (i == 4 && values.SessionToken is null)
            {
                continue;
            }

            var name = FixedParameterNames[i];
            while (next < extra.Count && CompareExtraToFixed(extra[next], name, i, values) < 0)
            {
                AppendParameter(ref buffer, ref first, extra[next].Name, extra[next].Value);
                next++;
            }

            Separate(ref buffer, ref first);
            buffer.Append(name);
            buffer.Append('=');
            values.AppendEncoded(ref buffer, i);
        }

        for (; next < extra.Count; next++)
        {
            AppendParameter(ref buffer, ref first, extra[next].Name, extra[next].Value);
        }
    }

    private static int CompareExtraToFixed(in QueryParameter extra, string name, int index, in FixedValues values)
    {
        var byName = string.CompareOrdinal(extra.Name, name);
        if (byName != 0)
        {
            return byName;
        }

        // an extra parameter named like a fixed one: order by value, which only this rare case needs as a string
        var value = new CharBuffer(stackalloc char[256]);
        try
        {
            values.AppendEncoded(ref value, index);
            return extra.Value.AsSpan().SequenceCompareTo(value.Written);
        }
        finally
        {
            value.Dispose();
        }
    }

    private static void AppendParameter(ref CharBuffer buffer, ref bool first, string name, string value)
    {
        Separate(ref buffer, ref first);
        buffer.Append(name);
        buffer.Append('=');
        buffer.Append(value);
    }

    private static void Separate(ref CharBuffer buffer, ref bool first)
    {
        if (!first)
        {
            buffer.Append('&');
        }

        first = false;
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

    /// <summary>Lower-cases a header name; the names the issuers use map to constants, so that they need no new string.</summary>
    private static string LowerCaseName(string name) => name switch
    {
        "Content-Type" => "content-type",
        "Content-Length" => "content-length",
        "Content-MD5" => "content-md5",
        "Cache-Control" => "cache-control",
        "Content-Disposition" => "content-disposition",
        "Host" => "host",
        "If-None-Match" => "if-none-match",
        _ => name.ToLowerInvariant(), // returns the same instance when it is already lower-case
    };

    private sealed record SigningKeyEntry(string Secret, string Date, string Region, byte[] Key);

    /// <summary>The values of the fixed query parameters, written URI-encoded on demand.</summary>
    private readonly ref struct FixedValues
    {
        private readonly SigningScope _scope;
        private readonly ReadOnlySpan<char> _amzDate;
        private readonly long _seconds;
        private readonly CanonicalHeaders _headers;

        public FixedValues(SigningScope scope, ReadOnlySpan<char> amzDate, long seconds, string? sessionToken, CanonicalHeaders headers)
        {
            _scope = scope;
            _amzDate = amzDate;
            _seconds = seconds;
            _headers = headers;
            SessionToken = sessionToken;
        }

        public string? SessionToken { get; }

        public void AppendEncoded(ref CharBuffer buffer, int index)
        {
            switch (index)
            {
                case 0:
                    buffer.Append(SigV4.Algorithm);
                    break;
                case 1:
                    buffer.Append(_scope.EncodedCredential);
                    break;
                case 2:
                    buffer.Append(_amzDate);
                    break;
                case 3:
                    _seconds.TryFormat(buffer.AppendSpan(CountDigits(_seconds)), out _, provider: CultureInfo.InvariantCulture);
                    break;
                case 4:
                    SigV4.AppendUriEncoded(ref buffer, SessionToken, encodeSlash: true);
                    break;
                default:
                    _headers.AppendSignedHeaders(ref buffer, encoded: true);
                    break;
            }
        }

        private static int CountDigits(long value)
        {
            var digits = 1;
            while ((value /= 10) != 0)
            {
                digits++;
            }

            return digits;
        }
    }

    /// <summary>The headers to sign: lower-case names, trimmed values, sorted, the last of equal names winning (host first, so a Host header overrides it).</summary>
    private readonly struct CanonicalHeaders : IDisposable
    {
        private readonly Header[] _headers;

        private CanonicalHeaders(Header[] headers, int count)
        {
            _headers = headers;
            Count = count;
        }

        public int Count { get; }

        public static CanonicalHeaders Create(string host, IEnumerable<KeyValuePair<string, string>>? headers)
        {
            var capacity = 1 + (headers is null ? 0 : headers.TryGetNonEnumeratedCount(out var n) ? n : 16);
            var array = ArrayPool<Header>.Shared.Rent(capacity);
            var count = 0;
            Add(ref array, ref count, "host", host);
            if (headers is Dictionary<string, string> dictionary)
            {
                foreach (var (name, value) in dictionary)
                {
                    Add(ref array, ref count, LowerCaseName(name), TrimHeaderValue(value));
                }
            }
            else if (headers is not null)
            {
                foreach (var (name, value) in headers)
                {
                    Add(ref array, ref count, LowerCaseName(name), TrimHeaderValue(value));
                }
            }

            var span = array.AsSpan(0, count);
            span.Sort(static (a, b) =>
            {
                var byName = string.CompareOrdinal(a.Name, b.Name);
                return byName != 0 ? byName : a.Order.CompareTo(b.Order);
            });

            // keep the last of each run of equal names
            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                if (i + 1 < count && span[i + 1].Name == span[i].Name)
                {
                    continue;
                }

                span[kept++] = span[i];
            }

            span[kept..].Clear();
            return new CanonicalHeaders(array, kept);
        }

        public void AppendCanonical(ref CharBuffer buffer)
        {
            for (var i = 0; i < Count; i++)
            {
                buffer.Append(_headers[i].Name);
                buffer.Append(':');
                buffer.Append(_headers[i].Value);
                buffer.Append('\n');
            }
        }

        public void AppendSignedHeaders(ref CharBuffer buffer, bool encoded)
        {
            for (var i = 0; i < Count; i++)
            {
                if (i > 0)
                {
                    buffer.Append(encoded ? "%3B" : ";");
                }

                if (encoded)
                {
                    SigV4.AppendUriEncoded(ref buffer, _headers[i].Name, encodeSlash: true);
                }
                else
                {
                    buffer.Append(_headers[i].Name);
                }
            }
        }

        public void Dispose()
        {
            _headers.AsSpan(0, Count).Clear();
            ArrayPool<Header>.Shared.Return(_headers);
        }

        private static void Add(ref Header[] array, ref int count, string name, string value)
        {
            if (count == array.Length)
            {
                var larger = ArrayPool<Header>.Shared.Rent(array.Length * 2);
                array.AsSpan(0, count).CopyTo(larger);
                array.AsSpan(0, count).Clear();
                ArrayPool<Header>.Shared.Return(array);
                array = larger;
            }

            array[count] = new Header(name, value, count);
            count++;
        }

        private readonly record struct Header(string Name, string Value, int Order);
    }

    /// <summary>The extra query parameters, URI-encoded and sorted by (name, value).</summary>
    private readonly struct QueryParameters : IDisposable
    {
        private readonly QueryParameter[]? _parameters;

        private QueryParameters(QueryParameter[]? parameters, int count)
        {
            _parameters = parameters;
            Count = count;
        }

        public int Count { get; }

        public QueryParameter this[int index] => _parameters![index];

        public static QueryParameters Create(IEnumerable<KeyValuePair<string, string>>? query)
        {
            if (query is null)
            {
                return default;
            }

            var list = query as IReadOnlyCollection<KeyValuePair<string, string>> ?? query.ToList();
            var array = ArrayPool<QueryParameter>.Shared.Rent(Math.Max(list.Count, 1));
            var count = 0;
            foreach (var (name, value) in list)
            {
                array[count++] = new QueryParameter(SigV4.UriEncode(name, encodeSlash: true), SigV4.UriEncode(value, encodeSlash: true));
            }

            array.AsSpan(0, count).Sort(static (a, b) =>
            {
                var byName = string.CompareOrdinal(a.Name, b.Name);
                return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
            });
            return new QueryParameters(array, count);
        }

        public void Dispose()
        {
            if (_parameters is not null)
            {
                _parameters.AsSpan(0, Count).Clear();
                ArrayPool<QueryParameter>.Shared.Return(_parameters);
            }
        }
    }

    private readonly record struct QueryParameter(string Name, string Value);
}

/// <summary>A derived signing key with the credential scope strings of one (access key, secret, date, region). Immutable.</summary>
internal sealed class SigningScope
{
    public SigningScope(string accessKeyId, string secretAccessKey, int dateNumber, string date, string region, byte[] key)
    {
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        DateNumber = dateNumber;
        Date = date;
        Region = region;
        Key = key;
        Scope = SigV4.Scope(date, region);
        Credential = string.Concat(accessKeyId, "/", Scope);
        EncodedCredential = SigV4.UriEncode(Credential, encodeSlash: true);
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    /// <summary>Gets the date as the number yyyyMMdd, to compare without formatting.</summary>
    public int DateNumber { get; }

    /// <summary>Gets the date as <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    public string Region { get; }

    /// <summary>Gets the derived signing key. Never logged.</summary>
    public byte[] Key { get; }

    /// <summary>Gets <c>{date}/{region}/s3/aws4_request</c>.</summary>
    public string Scope { get; }

    /// <summary>Gets <c>{access key}/{scope}</c> (the X-Amz-Credential value).</summary>
    public string Credential { get; }

    /// <summary>Gets <see cref="Credential"/> URI-encoded for a query string.</summary>
    public string EncodedCredential { get; }

    public override string ToString() => $"SigningScope {{ {Scope} }}";
}
