namespace DirectUpload.Tests.TestUtilities;

/// <summary>Splits URLs into their parts without any decoding surprises.</summary>
public static class QueryString
{
    /// <summary>The raw (still encoded) name=value pairs of a URL's query, in order.</summary>
    public static List<KeyValuePair<string, string>> RawPairs(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return [];
        }

        return url[(q + 1)..].Split('&').Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? new KeyValuePair<string, string>(p, string.Empty) : new KeyValuePair<string, string>(p[..eq], p[(eq + 1)..]);
        }).ToList();
    }

    /// <summary>The decoded query parameters of a URL.</summary>
    public static Dictionary<string, string> Parameters(string url) =>
        RawPairs(url).ToDictionary(p => Uri.UnescapeDataString(p.Key), p => Uri.UnescapeDataString(p.Value), StringComparer.Ordinal);

    /// <summary>The part of a URL before its query.</summary>
    public static string WithoutQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }
}
