namespace DirectUpload.Internal;

/// <summary>The Content-MD5 form (base64 of a 16-byte digest) and S3 ETags, in one place.</summary>
internal static class ContentMd5
{
    /// <summary>Decodes a Content-MD5 value: exactly 24 base64 characters holding 16 bytes.</summary>
    public static bool TryDecode(string? value, Span<byte> digest)
    {
        Span<byte> buffer = stackalloc byte[18];
        if (value is not { Length: 24 } || !Convert.TryFromBase64String(value, buffer, out var written) || written != 16)
        {
            return false;
        }

        buffer[..16].CopyTo(digest);
        return true;
    }

    /// <summary>Whether a value is a well-formed Content-MD5.</summary>
    public static bool IsValid(string? value) => TryDecode(value, stackalloc byte[16]);

    /// <summary>An ETag without its surrounding white space and quotes.</summary>
    public static string UnquoteETag(string? etag) => (etag ?? string.Empty).Trim().Trim('"');
}
