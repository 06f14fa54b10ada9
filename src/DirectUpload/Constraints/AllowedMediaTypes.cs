namespace DirectUpload.Internal;

/// <summary>
/// A profile's <see cref="UploadProfileOptions.AllowedContentTypes"/>, parsed once: exact media types, <c>type/*</c>
/// wildcards and <c>*/*</c>. Immutable.
/// </summary>
internal sealed class AllowedMediaTypes
{
    private readonly string[] _exact;
    private readonly string[] _wildcardTypes;
    private readonly bool _any;

    private AllowedMediaTypes(string[] exact, string[] wildcardTypes, bool any)
    {
        _exact = exact;
        _wildcardTypes = wildcardTypes;
        _any = any;
    }

    /// <summary>Parses the patterns (<c>type/subtype</c>, <c>type/*</c> or <c>*/*</c>; checked at startup by the options validator).</summary>
    public static AllowedMediaTypes Parse(IEnumerable<string> patterns)
    {
        var exact = new List<string>();
        var wildcardTypes = new List<string>();
        var any = false;
        foreach (var pattern in patterns)
        {
            if (pattern == "*/*")
            {
                any = true;
            }
            else if (pattern.EndsWith("/*", StringComparison.Ordinal))
            {
                wildcardTypes.Add(pattern[..^2]);
            }
            else
            {
                exact.Add(pattern);
            }
        }

        return new AllowedMediaTypes([.. exact], [.. wildcardTypes], any);
    }

    /// <summary>Whether a normalized content type (see <see cref="ContentTypes.TryParse"/>) matches one of the patterns, ignoring case.</summary>
    public bool IsAllowed(string normalized)
    {
        if (_any)
        {
            return true;
        }

        var mediaType = ContentTypes.MediaType(normalized);
        foreach (var exact in _exact)
        {
            if (mediaType.Equals(exact, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        var slash = mediaType.IndexOf('/');
        if (slash > 0)
        {
            var type = mediaType[..slash];
            foreach (var wildcard in _wildcardTypes)
            {
                if (type.Equals(wildcard, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
