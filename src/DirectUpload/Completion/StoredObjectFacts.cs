namespace DirectUpload.Internal;

/// <summary>
/// What the store reports about an object (a HEAD response, or the facts of an event notification plus a HEAD),
/// storage-neutral. Build it from S3 with <c>S3StoredObjectFacts.FromHead</c>.
/// </summary>
internal sealed record StoredObjectFacts
{
    /// <summary>Gets the stored size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the stored <c>Content-Type</c>, as the store returns it.</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the ETag (quoted or not).</summary>
    public string? ETag { get; init; }

    /// <summary>Gets the user metadata: names without <c>x-amz-meta-</c>, any case.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? CacheControl { get; init; }

    public string? ContentLanguage { get; init; }

    public string? Expires { get; init; }

    public string? WebsiteRedirectLocation { get; init; }

    /// <summary>Gets the server-side encryption the store reports (<c>AES256</c>, <c>aws:kms</c>…), or null.</summary>
    public string? ServerSideEncryption { get; init; }

    /// <summary>Gets the storage class the store reports; AWS omits it for <c>STANDARD</c>.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Gets the number of tags the store reports (<c>x-amz-tagging-count</c>); grants never set tags.</summary>
    public int TagCount { get; init; }
}
