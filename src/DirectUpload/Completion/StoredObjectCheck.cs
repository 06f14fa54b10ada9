using System.Buffers.Text;
using System.Text;

namespace DirectUpload.Internal;

/// <summary>
/// Compares what was stored with what was granted, with no I/O: storage facts in, verdict out. Used by single-upload
/// confirmation, multipart completion and event-driven confirmation alike.
/// </summary>
internal static class StoredObjectCheck
{
    private const int DigestBytes = 12;

    /// <summary>Returns <see langword="null"/> when the stored object is exactly what the ticket and profile granted.</summary>
    /// <param name="ticket">The verified token's ticket.</param>
    /// <param name="profile">The profile the ticket names.</param>
    /// <param name="stored">The store's facts about the object.</param>
    public static StoredObjectMismatch? Verify(UploadTicket ticket, UploadProfileOptions profile, StoredObjectFacts stored)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(stored);

        if (stored.Size != ticket.Size || stored.Size < profile.MinSizeBytes || stored.Size > profile.MaxSizeBytes)
        {
            return new(UploadRejectionReason.SizeMismatch, "size", $"stored {stored.Size} bytes, granted {ticket.Size}");
        }

        // the granted type is normalized; the stored one must parse strictly to exactly the same normalized form
        var storedType = ContentTypes.Normalize(stored.ContentType);
        if (storedType is null || !string.Equals(storedType, ContentTypes.Normalize(ticket.ContentType) ?? ticket.ContentType, StringComparison.Ordinal))
        {
            return new(UploadRejectionReason.ContentTypeMismatch, "Content-Type", $"stored '{Printable(stored.ContentType)}', granted '{ticket.ContentType}'");
        }

        if (ticket.UploadId is null && !EtagMatchesMd5(stored.ETag, ticket.ContentMd5, profile))
        {
            return new(UploadRejectionReason.ChecksumMismatch, "Content-MD5", "the stored ETag is not the granted MD5");
        }

        return CheckHeader("Content-Encoding", stored.ContentEncoding, granted: null)
            ?? CheckHeader("Content-Disposition", stored.ContentDisposition, profile.ContentDisposition, ';')
            ?? CheckHeader("Cache-Control", IsFetchRevalidation(stored.CacheControl, profile.CacheControl) ? null : stored.CacheControl, profile.CacheControl, ',')
            ?? CheckHeader("Content-Language", stored.ContentLanguage, granted: null)
            ?? CheckHeader("Expires", stored.Expires, granted: null)
            ?? CheckHeader("x-amz-website-redirect-location", stored.WebsiteRedirectLocation, granted: null)
            ?? CheckMetadata(ticket, stored)
            ?? CheckEncryption(profile, stored)
            ?? CheckStorageClass(profile, stored)
            ?? (stored.TagCount > 0 ? new(UploadRejectionReason.MetadataMismatch, "x-amz-tagging", $"{stored.TagCount} tags stored, none granted") : null);
    }

    /// <summary>
    /// The compact digest of granted metadata that tokens carry (<see cref="UploadTicket.MetadataDigest"/>): base64url of the
    /// first 12 bytes of SHA-256 over the length-prefixed lower-cased names and values, sorted by name; <see langword="null"/> when there is none.
    /// </summary>
    public static string? MetadataDigest(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata is IReadOnlyCollection<KeyValuePair<string, string>> { Count: 0 })
        {
            return null; // the common case on the grant path: nothing allocated
        }

        // the grant seal (x-amz-meta-du-grant) is verified by its own MAC; it cannot be part of the digest it carries.
        // A grant's own metadata is often the seal alone: answer that without allocating.
        if (metadata is IReadOnlyList<KeyValuePair<string, string>> list && OnlySeal(list))
        {
            return null;
        }

        var sorted = metadata
            .Where(m => !string.Equals(m.Key, GrantSeal.MetadataKey, StringComparison.OrdinalIgnoreCase))
            .Select(m => new KeyValuePair<string, string>(m.Key.ToLowerInvariant(), m.Value)).ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            // length-prefixed, so no name or value (stored ones are not validated) can imitate another pair
            text.Append(key.Length).Append(':').Append(key).Append(value.Length).Append(':').Append(value);
        }

        Span<byte> hash = stackalloc byte[32];
        Hashing.Sha256OfUtf8(text.ToString(), hash);
        return Base64Url.EncodeToString(hash[..DigestBytes]);
    }

    private static bool OnlySeal(IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        for (var i = 0; i < metadata.Count; i++)
        {
            if (!string.Equals(metadata[i].Key, GrantSeal.MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// For a single-request upload without SSE-KMS, S3's ETag is the hex MD5 of the content. Comparing it with the granted
    /// Content-MD5 closes the gap on stores that accept a POST without checking its Content-MD5 (Ceph RGW). An ETag that is
    /// not a plain MD5 (KMS encryption, multipart-style <c>-N</c> suffix) cannot be compared and is accepted.
    /// </summary>
    internal static bool EtagMatchesMd5(string? etag, string? contentMd5, UploadProfileOptions profile)
    {
        if (contentMd5 is null || etag is null || profile.ServerSideEncryption is "aws:kms" or "aws:kms:dsse")
        {
            return true;
        }

        var hex = ContentMd5.UnquoteETag(etag);
        if (hex.Length != 32 || hex.Contains('-', StringComparison.Ordinal))
        {
            return true;
        }

        Span<byte> md5 = stackalloc byte[16];
        return !ContentMd5.TryDecode(contentMd5, md5)
            || string.Equals(Convert.ToHexStringLower(md5), hex, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Compares a stored header with the granted value. With a <paramref name="separator"/>, the parts are compared as a set
    /// (trimmed, in any order): HTTP stacks re-serialize some headers (.NET writes <c>private, max-age=60</c> back as
    /// <c>max-age=60, private</c>), which changes nothing a reader sees.
    /// </summary>
    private static StoredObjectMismatch? CheckHeader(string field, string? stored, string? granted, char? separator = null)
    {
        var s = string.IsNullOrEmpty(stored) ? null : stored;
        var g = string.IsNullOrEmpty(granted) ? null : granted;
        if (separator is { } sep && s is not null && g is not null)
        {
            s = string.Join(sep, s.Split(sep, StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
            g = string.Join(sep, g.Split(sep, StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
        }

        return string.Equals(s, g, StringComparison.Ordinal)
            ? null
            : new(UploadRejectionReason.MetadataMismatch, field, $"stored '{Printable(s)}', granted '{Printable(g)}'");
    }

    /// <summary>
    /// Browsers add <c>Cache-Control: max-age=0</c> or <c>no-cache</c> themselves to a conditional request (the Fetch
    /// standard does so for a request with <c>If-None-Match</c>, which single-use PUT grants sign), and S3 stores it. When
    /// the profile grants no Cache-Control, exactly those two values are accepted: they only make caches revalidate.
    /// </summary>
    private static bool IsFetchRevalidation(string? stored, string? granted) =>
        granted is null && stored?.Trim() is { } s
        && (s.Equals("max-age=0", StringComparison.OrdinalIgnoreCase) || s.Equals("no-cache", StringComparison.OrdinalIgnoreCase));

    private static StoredObjectMismatch? CheckMetadata(UploadTicket ticket, StoredObjectFacts stored)
    {
        var digest = MetadataDigest(stored.Metadata);
        return string.Equals(digest, ticket.MetadataDigest, StringComparison.Ordinal)
            ? null
            : new(UploadRejectionReason.MetadataMismatch, "x-amz-meta-*", $"{stored.Metadata.Count} metadata entries stored ({string.Join(", ", stored.Metadata.Select(m => Printable(m.Key)))}), not the granted set");
    }

    private static StoredObjectMismatch? CheckEncryption(UploadProfileOptions profile, StoredObjectFacts stored)
    {
        // without a profile setting the bucket's default applies, which only the store knows
        if (profile.ServerSideEncryption is not { } granted || string.Equals(stored.ServerSideEncryption, granted, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // a store that does not report encryption cannot be checked (RGW without SSE configured)
        return string.IsNullOrEmpty(stored.ServerSideEncryption)
            ? null
            : new(UploadRejectionReason.MetadataMismatch, "x-amz-server-side-encryption", $"stored '{Printable(stored.ServerSideEncryption)}', granted '{granted}'");
    }

    private static StoredObjectMismatch? CheckStorageClass(UploadProfileOptions profile, StoredObjectFacts stored)
    {
        var s = string.IsNullOrEmpty(stored.StorageClass) ? "STANDARD" : stored.StorageClass;
        var g = profile.StorageClass ?? "STANDARD";
        return string.Equals(s, g, StringComparison.OrdinalIgnoreCase)
            ? null
            : new(UploadRejectionReason.MetadataMismatch, "x-amz-storage-class", $"stored '{Printable(s)}', granted '{g}'");
    }

    /// <summary>A stored value made safe for a log line: printable ASCII, at most 64 characters.</summary>
    private static string Printable(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var chars = value.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray();
        return value.Length > 64 ? new string(chars) + "…" : new string(chars);
    }
}
