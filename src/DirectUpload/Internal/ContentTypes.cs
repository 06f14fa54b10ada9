namespace DirectUpload.Internal;

/// <summary>Parsing and matching of media types (RFC 9110 tokens; parameters kept verbatim but not matched).</summary>
internal static class ContentTypes
{
    public const int MaxLength = 255;

    /// <summary>Normalizes a declared content type: trims, lower-cases the <c>type/subtype</c>; null when malformed.</summary>
    public static string? Normalize(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || contentType.Length > MaxLength)
        {
            return null;
        }

        var value = contentType.Trim();
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return null; // control or non-ASCII characters cannot travel in a header
            }
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? value : value[..semicolon]).TrimEnd();
        if (!IsMediaType(mediaType, allowWildcards: false))
        {
            return null;
        }

        return semicolon < 0 ? mediaType.ToLowerInvariant() : string.Concat(mediaType.ToLowerInvariant(), value[semicolon..]);
    }

    /// <summary>The <c>type/subtype</c> part of a normalized content type.</summary>
    public static ReadOnlySpan<char> MediaType(string normalized)
    {
        var semicolon = normalized.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? normalized : normalized.AsSpan(0, semicolon).TrimEnd();
    }

    /// <summary>Whether a pattern (<c>type/subtype</c>, <c>type/*</c> or <c>*/*</c>) is well-formed.</summary>
    public static bool IsValidPattern(string? pattern) =>
        !string.IsNullOrEmpty(pattern) && (pattern == "*/*" || IsMediaType(pattern, allowWildcards: true));

    public static bool IsAllowed(string normalized, IEnumerable<string> patterns)
    {
        var mediaType = MediaType(normalized);
        if (patterns is List<string> list)
        {
            // the options' collection: enumerated without boxing its enumerator
            foreach (var pattern in list)
            {
                if (Matches(mediaType, pattern))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var pattern in patterns)
        {
            if (Matches(mediaType, pattern))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(ReadOnlySpan<char> mediaType, string pattern)
    {
        if (pattern == "*/*")
        {
            return true;
        }

        if (pattern.EndsWith("/*", StringComparison.Ordinal))
        {
            var type = mediaType[..mediaType.IndexOf('/')];
            return type.Equals(pattern.AsSpan(0, pattern.Length - 2), StringComparison.OrdinalIgnoreCase);
        }

        return mediaType.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsMediaType(string value, bool allowWildcards)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1 || value.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        var type = value.AsSpan(0, slash);
        var subtype = value.AsSpan(slash + 1);
        return IsToken(type) && (IsToken(subtype) || (allowWildcards && subtype is "*"));
    }

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > 127)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~'))
            {
                return false;
            }
        }

        return !value.Contains('*');
    }
}
