namespace DirectUpload.Internal;

/// <summary>An upload request that passed every check, with its profile, key and times fixed (a struct: it never leaves the request).</summary>
/// <remarks>
/// <see cref="Metadata"/> is what the object stores (the grant seal included); <see cref="MetadataDigest"/> is the digest
/// tokens carry (<see cref="StoredObjectCheck.MetadataDigest"/>, the seal excluded), computed once. <see cref="Token"/> is
/// the grant's token when it was made together with the seal, from one MAC (<see cref="GrantSeal"/>, format <c>g2.</c>).
/// </remarks>
internal readonly record struct ValidatedUpload(
    ResolvedProfile Profile,
    string Key,
    string ContentType,
    long Size,
    string? ContentMd5,
    string? OwnerId,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    string? MetadataDigest,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt,
    string? Token = null)
{
    public string ProfileName => Profile.Name;

    public string Bucket => Profile.Bucket;

    /// <summary>What the upload's token vouches for: a single-request grant's (with its MD5), or a multipart upload's.</summary>
    /// <param name="expiresAt">When the token stops being accepted.</param>
    /// <param name="uploadId">The store's multipart upload id, or <see langword="null"/> for a single-request grant.</param>
    /// <param name="partSize">The multipart part size, or 0.</param>
    public UploadTicket ToTicket(DateTimeOffset expiresAt, string? uploadId = null, long partSize = 0) => new()
    {
        Profile = ProfileName,
        Key = Key,
        OwnerId = OwnerId,
        Size = Size,
        ContentType = ContentType,
        ContentMd5 = uploadId is null ? ContentMd5 : null, // a multipart upload's MD5s are per part
        MetadataDigest = MetadataDigest,
        ExpiresAt = expiresAt,
        UploadId = uploadId,
        PartSize = partSize,
    };
}
