using System.Buffers;
using System.Text;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>The headers to sign: lower-case names, trimmed values, sorted, the last of equal names winning (host first, so a Host header overrides it).</summary>
internal readonly struct CanonicalHeaders : IDisposable
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
        if (headers is GrantParameters parameters)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                var (name, value) = parameters.At(i);
                Add(ref array, ref count, LowerCaseName(name), TrimHeaderValue(value));
            }
        }
        else if (headers is Dictionary<string, string> dictionary)
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

        // a grant signs about eight headers: an insertion sort by (name, order added), no comparison delegate
        var span = array.AsSpan(0, count);
        for (var i = 1; i < span.Length; i++)
        {
            var header = span[i];
            var j = i - 1;
            while (j >= 0 && Compare(span[j], header) > 0)
            {
                span[j + 1] = span[j];
                j--;
            }

            span[j + 1] = header;
        }

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

    private static int Compare(in Header a, in Header b)
    {
        var byName = string.CompareOrdinal(a.Name, b.Name);
        return byName != 0 ? byName : a.Order.CompareTo(b.Order);
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

}
