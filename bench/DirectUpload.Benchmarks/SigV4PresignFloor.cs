using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DirectUpload.Benchmarks;

/// <summary>
/// The floor for a presigned PUT: a hand-written SigV4 query-string presign that does only what any presign must do per
/// call (format the date, write the canonical request, SHA-256 it, write the string to sign, HMAC it, write the URL)
/// into stack or pooled buffers, with no LINQ and no intermediate strings: the URL is its only allocation. It signs
/// exactly the URL of a DirectUpload PUT grant: same host, path, signed headers and values, expiry (checked against a
/// real grant in <see cref="PutFloorBenchmark"/>'s setup, byte for byte).
/// </summary>
/// <remarks>
/// Like DirectUpload, it caches the derived signing key per day (every serious signer does; deriving it is four more
/// HMACs). It uses the one-shot <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.
/// The header values are written as given: they are already trimmed, as a grant's are.
/// </remarks>
public sealed class SigV4PresignFloor
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Hex = "0123456789abcdef";
    private const string HexUpper = "0123456789ABCDEF";

    private readonly string _accessKey;
    private readonly byte[] _secret;
    private readonly string _region;
    private readonly string _scheme;
    private readonly string _host;
    private readonly string _pathPrefix;
    private readonly (string Name, string Value)[] _headers;
    private readonly string _signedHeaders;
    private readonly int _expirySeconds;
    private byte[] _signingKey = [];
    private int _signingDay = -1;

    /// <param name="accessKey">The access key id.</param>
    /// <param name="secretKey">The secret access key.</param>
    /// <param name="region">The signing region.</param>
    /// <param name="origin">Scheme and host, e.g. <c>https://bucket.s3.us-east-1.amazonaws.com</c>.</param>
    /// <param name="pathPrefix">What goes before the key in the path: <c>/</c> (virtual-hosted) or <c>/bucket/</c>.</param>
    /// <param name="headers">The headers to sign besides <c>host</c>, with lower-case names.</param>
    /// <param name="expiry">The expiry.</param>
    public SigV4PresignFloor(string accessKey, string secretKey, string region, Uri origin, string pathPrefix, IEnumerable<KeyValuePair<string, string>> headers, TimeSpan expiry)
    {
        _accessKey = accessKey;
        _secret = Encoding.ASCII.GetBytes("AWS4" + secretKey);
        _region = region;
        _scheme = origin.Scheme;
        _host = origin.IsDefaultPort ? origin.Host : origin.Host + ":" + origin.Port.ToString(CultureInfo.InvariantCulture);
        _pathPrefix = pathPrefix;
        var all = new List<(string Name, string Value)> { ("host", _host) };
        foreach (var (name, value) in headers)
        {
            all.Add((name.ToLowerInvariant(), value));
        }

        all.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        _headers = [.. all];
        _signedHeaders = string.Join(';', all.Select(h => h.Name));
        _expirySeconds = (int)expiry.TotalSeconds;
    }

    /// <summary>Presigns <c>PUT</c> of <paramref name="key"/> at <paramref name="now"/>.</summary>
    public string Presign(string key, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        Span<char> amzDate = stackalloc char[16];
        WriteDate(utc, amzDate);
        var dateStamp = amzDate[..8];
        var signingKey = SigningKey(utc, dateStamp);

        var rented = ArrayPool<char>.Shared.Rent(4096 + (key.Length * 9));
        var rentedBytes = ArrayPool<byte>.Shared.Rent(rented.Length * 3);
        try
        {
            // the query string (sorted: Algorithm, Credential, Date, Expires, SignedHeaders) is shared by the canonical
            // request and the URL, so it is written once at the start of the buffer
            var buffer = rented.AsSpan();
            var q = 0;
            q += Append(buffer[q..], "X-Amz-Algorithm=" + Algorithm + "&X-Amz-Credential=");
            q += AppendEncoded(buffer[q..], _accessKey, encodeSlash: true);
            q += Append(buffer[q..], "%2F");
            q += Append(buffer[q..], dateStamp);
            q += Append(buffer[q..], "%2F");
            q += AppendEncoded(buffer[q..], _region, encodeSlash: true);
            q += Append(buffer[q..], "%2Fs3%2Faws4_request&X-Amz-Date=");
            q += Append(buffer[q..], amzDate);
            q += Append(buffer[q..], "&X-Amz-Expires=");
            _expirySeconds.TryFormat(buffer[q..], out var written, default, CultureInfo.InvariantCulture);
            q += written;
            q += Append(buffer[q..], "&X-Amz-SignedHeaders=");
            q += AppendEncoded(buffer[q..], _signedHeaders, encodeSlash: true);
            var query = buffer[..q];

            // the encoded path
            var pathStart = q;
            var p = pathStart;
            p += Append(buffer[p..], _pathPrefix);
            p += AppendEncoded(buffer[p..], key, encodeSlash: false);
            var path = buffer[pathStart..p];

            // the canonical request
            var c = p;
            c += Append(buffer[c..], "PUT\n");
            c += Append(buffer[c..], path);
            buffer[c++] = '\n';
            c += Append(buffer[c..], query);
            buffer[c++] = '\n';
            foreach (var (name, value) in _headers)
            {
                c += Append(buffer[c..], name);
                buffer[c++] = ':';
                c += Append(buffer[c..], value);
                buffer[c++] = '\n';
            }

            buffer[c++] = '\n';
            c += Append(buffer[c..], _signedHeaders);
            c += Append(buffer[c..], "\nUNSIGNED-PAYLOAD");
            var bytes = rentedBytes.AsSpan();
            var length = Encoding.UTF8.GetBytes(buffer[p..c], bytes);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(bytes[..length], hash);

            // the string to sign, after the canonical request's place
            var s = p;
            s += Append(buffer[s..], Algorithm + "\n");
            s += Append(buffer[s..], amzDate);
            buffer[s++] = '\n';
            s += Append(buffer[s..], dateStamp);
            buffer[s++] = '/';
            s += Append(buffer[s..], _region);
            s += Append(buffer[s..], "/s3/aws4_request\n");
            s += AppendHex(buffer[s..], hash);
            length = Encoding.ASCII.GetBytes(buffer[p..s], bytes);
            Span<byte> signature = stackalloc byte[32];
            HMACSHA256.HashData(signingKey, bytes[..length], signature);
            var signatureStart = s;
            AppendHex(buffer[signatureStart..], signature);

            // the URL: scheme://host + path + ? + query + &X-Amz-Signature=hex
            return string.Create(
                _scheme.Length + 3 + _host.Length + path.Length + 1 + query.Length + 17 + 64,
                (Floor: this, Buffer: rented, QueryLength: q, PathStart: pathStart, PathEnd: p, SignatureStart: signatureStart),
                static (url, state) =>
                {
                    var i = Append(url, state.Floor._scheme);
                    i += Append(url[i..], "://");
                    i += Append(url[i..], state.Floor._host);
                    i += Append(url[i..], state.Buffer.AsSpan(state.PathStart, state.PathEnd - state.PathStart));
                    url[i++] = '?';
                    i += Append(url[i..], state.Buffer.AsSpan(0, state.QueryLength));
                    i += Append(url[i..], "&X-Amz-Signature=");
                    Append(url[i..], state.Buffer.AsSpan(state.SignatureStart, 64));
                });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rentedBytes);
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private byte[] SigningKey(DateTime utc, ReadOnlySpan<char> dateStamp)
    {
        var day = utc.Year * 10000 + utc.Month * 100 + utc.Day;
        if (day == _signingDay)
        {
            return _signingKey;
        }

        Span<byte> k = stackalloc byte[32];
        Span<byte> text = stackalloc byte[64];
        var n = Encoding.ASCII.GetBytes(dateStamp, text);
        HMACSHA256.HashData(_secret, text[..n], k);
        n = Encoding.ASCII.GetBytes(_region, text);
        HMACSHA256.HashData(k, text[..n], k);
        HMACSHA256.HashData(k, "s3"u8, k);
        HMACSHA256.HashData(k, "aws4_request"u8, k);
        _signingKey = k.ToArray();
        _signingDay = day;
        return _signingKey;
    }

    private static void WriteDate(DateTime utc, Span<char> destination) =>
        utc.TryFormat(destination, out _, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static int Append(Span<char> destination, scoped ReadOnlySpan<char> value)
    {
        value.CopyTo(destination);
        return value.Length;
    }

    private static int AppendHex(Span<char> destination, ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = Hex[bytes[i] >> 4];
            destination[(2 * i) + 1] = Hex[bytes[i] & 0xF];
        }

        return bytes.Length * 2;
    }

    /// <summary>SigV4 URI encoding: every UTF-8 byte except A–Z a–z 0–9 - . _ ~ (and '/' unless encoded) becomes %XX.</summary>
    private static int AppendEncoded(Span<char> destination, string value, bool encodeSlash)
    {
        var written = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_' or '~' || (ch == '/' && !encodeSlash))
            {
                destination[written++] = ch;
                continue;
            }

            int count;
            if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                count = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                count = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            }

            for (var b = 0; b < count; b++)
            {
                destination[written++] = '%';
                destination[written++] = HexUpper[utf8[b] >> 4];
                destination[written++] = HexUpper[utf8[b] & 0xF];
            }
        }

        return written;
    }
}
