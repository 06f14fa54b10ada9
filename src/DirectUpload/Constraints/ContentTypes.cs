using System.Text;

namespace DirectUpload.Internal;

/// <summary>
/// Strict parsing and matching of media types (RFC 9110 §8.3.1):
/// <c>type "/" subtype *( OWS ";" OWS token "=" ( token / quoted-string ) )</c>.
/// </summary>
/// <remarks>
/// Everything outside that grammar is refused, including what RFC 9110 tolerates but browsers read differently:
/// a comma anywhere (a browser takes the <em>last</em> type of a comma list, so <c>text/plain; a=,text/html</c> renders
/// as HTML), empty parameters (<c>;;</c>, a trailing <c>;</c>), duplicate parameter names, quoted-pairs (<c>\</c>),
/// control characters and non-ASCII. Allow-lists, inline-safety and what is signed and stored all use the parsed,
/// normalized form: lower-case <c>type/subtype</c>, then <c>;name=value</c> per parameter with a lower-case name
/// (and a lower-case <c>charset</c> value), a value quoted only when it is not a token.
/// </remarks>
internal static class ContentTypes
{
    public const int MaxLength = 255;

    /// <summary>Parses and normalizes a declared content type; <see langword="null"/> when it is not a strict media type.</summary>
    public static string? Normalize(string? contentType) => TryParse(contentType, out var parsed) ? parsed.Normalized : null;

    /// <summary>Parses a media type strictly (see the type's remarks).</summary>
    public static bool TryParse(string? value, out MediaTypeValue parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var s = value.AsSpan().Trim(" \t");
        var slash = s.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var typeEnd = slash + 1;
        while (typeEnd < s.Length && IsTokenChar(s[typeEnd]))
        {
            typeEnd++;
        }

        var type = s[..slash];
        var subtype = s[(slash + 1)..typeEnd];
        if (!IsToken(type) || !IsToken(subtype) || type.Contains('*') || subtype.Contains('*'))
        {
            return false;
        }

        if (typeEnd == s.Length)
        {
            // no parameters (the usual case): the value itself when it is already normalized
            var bare = s.Length == value.Length && !ContainsUpper(s) ? value : s.ToString().ToLowerInvariant();
            parsed = new MediaTypeValue(bare, [], bare);
            return true;
        }

        var mediaType = string.Concat(type, "/", subtype).ToLowerInvariant();
        var normalized = new StringBuilder(mediaType, s.Length);
        List<KeyValuePair<string, string>>? parameters = null;
        var i = typeEnd;
        while (i < s.Length)
        {
            // OWS ";" OWS
            i = SkipOws(s, i);
            if (i >= s.Length || s[i] != ';')
            {
                return false; // a comma, a space inside the type, any other character
            }

            i = SkipOws(s, i + 1);

            // token "="
            var nameStart = i;
            while (i < s.Length && IsTokenChar(s[i]))
            {
                i++;
            }

            if (i == nameStart || i >= s.Length || s[i] != '=')
            {
                return false; // empty parameter, or a name without a value
            }

            var name = s[nameStart..i].ToString().ToLowerInvariant();
            i++;

            // token / quoted-string
            string parameterValue;
            if (i < s.Length && s[i] == '"')
            {
                var close = s[(i + 1)..].IndexOf('"');
                if (close < 0)
                {
                    return false;
                }

                var quoted = s.Slice(i + 1, close);
                foreach (var c in quoted)
                {
                    // qdtext without HTAB, backslash (no quoted-pairs) and comma
                    if (c is not (' ' or '!' or (>= '#' and <= '~')) || c is '\\' or ',')
                    {
                        return false;
                    }
                }

                parameterValue = quoted.ToString();
                i += close + 2;
            }
            else
            {
                var valueStart = i;
                while (i < s.Length && IsTokenChar(s[i]))
                {
                    i++;
                }

                if (i == valueStart)
                {
                    return false;
                }

                parameterValue = s[valueStart..i].ToString();
            }

            if (name == "charset")
            {
                parameterValue = parameterValue.ToLowerInvariant();
            }

            parameters ??= new List<KeyValuePair<string, string>>(1);
            if (parameters.Exists(p => p.Key == name))
            {
                return false; // a duplicate: which one wins differs between readers
            }

            parameters.Add(new(name, parameterValue));
            normalized.Append(';').Append(name).Append('=');
            if (parameterValue.Length > 0 && IsToken(parameterValue))
            {
                normalized.Append(parameterValue);
            }
            else
            {
                normalized.Append('"').Append(parameterValue).Append('"');
            }
        }

        parsed = new MediaTypeValue(mediaType, (IReadOnlyList<KeyValuePair<string, string>>?)parameters ?? [], normalized.ToString());
        return parsed.Normalized.Length <= MaxLength;
    }

    /// <summary>The <c>type/subtype</c> part of a normalized content type.</summary>
    public static ReadOnlySpan<char> MediaType(string normalized)
    {
        var semicolon = normalized.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? normalized : normalized.AsSpan(0, semicolon);
    }

    /// <summary>
    /// Whether an upload may declare these parameters: <c>charset</c> (a token) on <c>text/*</c> types, nothing else.
    /// Other parameters change how a reader treats the bytes and none is needed to store a file.
    /// </summary>
    public static bool HasAllowedParameters(in MediaTypeValue parsed)
    {
        foreach (var (name, value) in parsed.Parameters)
        {
            if (name != "charset" || !parsed.MediaType.StartsWith("text/", StringComparison.Ordinal) || !IsToken(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a pattern (<c>type/subtype</c>, <c>type/*</c> or <c>*/*</c>) is well-formed.</summary>
    public static bool IsValidPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        if (pattern == "*/*")
        {
            return true;
        }

        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var type = pattern.AsSpan(0, slash);
        var subtype = pattern.AsSpan(slash + 1);
        return IsToken(type) && !type.Contains('*') && (subtype is "*" || (IsToken(subtype) && !subtype.Contains('*')));
    }

    private static bool ContainsUpper(ReadOnlySpan<char> value) => value.IndexOfAnyInRange('A', 'Z') >= 0;

    private static int SkipOws(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > 127)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
