namespace DirectUpload.Internal;

/// <summary>An upload request that passed every check, with its profile, key and times fixed.</summary>
/// <remarks>
/// <see cref="Metadata"/> is what the object stores (the grant seal included); <see cref="MetadataDigest"/> is the digest
/// tokens carry (<see cref="StoredObjectCheck.MetadataDigest"/>, the seal excluded), computed once.
/// </remarks>
internal sealed record ValidatedUpload(
    ResolvedProfile Profile,
    string Key,
    string ContentType,
    long Size,
    string? ContentMd5,
    string? OwnerId,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    string? MetadataDigest,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt)
{
    public string ProfileName => Profile.Name;

    public string Bucket => Profile.Bucket;
}
