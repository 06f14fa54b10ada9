using System.Globalization;
using System.Text;

namespace DirectUpload;

/// <summary>Helpers for building and checking object keys. Used by the built-in strategies; available to custom ones.</summary>
public static partial class ObjectKeys
{
    /// <summary>The most UTF-8 bytes S3 allows in a key.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The most characters a sanitized file name keeps.</summary>
    public const int MaxSanitizedFileNameLength = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Makes an untrusted file name safe to use as one key segment: only the last path segment is kept, the name is
    /// NFC-normalized, letters and digits are kept (lower-cased), runs of anything else become one <c>-</c>, the extension is lower-cased,
    /// and the result is at most <see cref="MaxSanitizedFileNameLength"/> characters. Never empty (<c>file</c>).
    /// </summary>
    /// <param name="fileName">The file name (untrusted).</param>
    /// <returns>The sanitized name, e.g. <c>holiday-photo.jpg</c> for <c>../Holiday Photo.JPG</c>.</returns>
    public static string SanitizeFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return "file";
        }

        var name = fileName;
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        try
        {
            name = name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // invalid UTF-16 (lone surrogates): the filter below drops what is not a letter or digit
        }

        var extension = ExtensionOf(name);
        var stem = extension.IsEmpty ? name.AsSpan() : name.AsSpan(0, name.Length - extension.Length - 1);
        var maxStem = MaxSanitizedFileNameLength - (extension.IsEmpty ? 0 : extension.Length + 1);

        // at most MaxSanitizedFileNameLength characters in all, so the result is built on the stack
        Span<char> result = stackalloc char[MaxSanitizedFileNameLength];
        var length = 0;
        var pendingDash = false;
        for (var i = 0; i < stem.Length && length < maxStem; i++)
        {
            var c = stem[i];
            var category = char.GetUnicodeCategory(c);
            var keep = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                || c is '_';
            if (!keep)
            {
                pendingDash = length > 0;
                continue;
            }

            if (pendingDash)
            {
                if (length + 1 >= maxStem)
                {
                    break;
                }

                result[length++] = '-';
                pendingDash = false;
            }

            result[length++] = char.ToLowerInvariant(c);
        }

        if (length == 0)
        {
            "file".CopyTo(result);
            length = 4;
        }

        if (!extension.IsEmpty)
        {
            result[length++] = '.';
            length += extension.ToLowerInvariant(result[length..]);
        }

        return new string(result[..length]);
    }

    /// <summary>
    /// Encodes an owner id as one key segment, injectively: ASCII letters, digits, <c>-</c>, <c>.</c> and <c>@</c> stay;
    /// every other UTF-8 byte becomes <c>_XX</c> (upper-case hex), so <c>_</c> itself becomes <c>_5F</c>.
    /// A segment that would be <c>.</c> or <c>..</c> is encoded entirely.
    /// </summary>
    /// <param name="ownerId">The owner id.</param>
    /// <returns>The segment.</returns>
    /// <exception cref="ArgumentException"><paramref name="ownerId"/> is null or empty, or is not valid UTF-16 (a lone surrogate).</exception>
    public static string EncodeOwnerSegment(string ownerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        byte[] bytes;
        try
        {
            // strict: a lone surrogate would otherwise become U+FFFD and share the folder of the owner id "\uFFFD"
            bytes = StrictUtf8.GetBytes(ownerId);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The owner id is not valid UTF-16.", nameof(ownerId), e);
        }

        var dotsOnly = ownerId is "." or "..";
        var encodedLength = 0;
        foreach (var b in bytes)
        {
            encodedLength += dotsOnly || !IsOwnerSegmentByte(b) ? 3 : 1;
        }

        return string.Create(encodedLength, (bytes, dotsOnly), static (chars, state) =>
        {
            const string Hex = "0123456789ABCDEF";
            var i = 0;
            foreach (var b in state.bytes)
            {
                if (!state.dotsOnly && IsOwnerSegmentByte(b))
                {
                    chars[i++] = (char)b;
                }
                else
                {
                    chars[i++] = '_';
                    chars[i++] = Hex[b >> 4];
                    chars[i++] = Hex[b & 15];
                }
            }
        });
    }

    private static bool IsOwnerSegmentByte(byte b) => b < 0x80 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'@');

    /// <summary>
    /// Checks a full object key: it starts with <paramref name="prefix"/>, has no <c>.</c>, <c>..</c> or empty segments,
    /// no leading <c>/</c>, no control or invalid UTF-16 characters, and at most <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="prefix">The prefix the key must stay under (may be empty).</param>
    /// <param name="problem">Why the key is invalid, when it is.</param>
    /// <returns><see langword="true"/> if the key is valid.</returns>
    public static bool IsValidKey(string? key, string prefix, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        problem = null;
        if (string.IsNullOrEmpty(key))
        {
            problem = "the key is empty";
            return false;
        }

        if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length)
        {
            problem = "the key is not under the profile's prefix";
            return false;
        }

        if (key[0] == '/')
        {
            problem = "the key starts with '/'";
            return false;
        }

        // printable ASCII without a backslash, as keys usually are: no control character, no surrogate, one UTF-8 byte per
        // character, so the character-by-character check and the UTF-8 count below are skipped
        var printableAscii = !key.AsSpan().ContainsAnyExceptInRange(' ', '~') && !key.Contains('\\', StringComparison.Ordinal);
        for (var i = 0; !printableAscii && i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\\')
            {
                problem = "the key contains a control character or a backslash";
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= key.Length || !char.IsLowSurrogate(key[i + 1]))
                {
                    problem = "the key contains invalid UTF-16";
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                problem = "the key contains invalid UTF-16";
                return false;
            }
        }

        for (var rest = key.AsSpan(); ;)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment.IsEmpty || segment is "." or "..")
            {
                problem = "the key has an empty, '.' or '..' segment";
                return false;
            }

            if (slash < 0)
            {
                break;
            }

            rest = rest[(slash + 1)..];
        }

        if ((printableAscii ? key.Length : Encoding.UTF8.GetByteCount(key)) > MaxKeyBytes)
        {
            problem = $"the key is longer than {MaxKeyBytes} UTF-8 bytes";
            return false;
        }

        return true;
    }
}
