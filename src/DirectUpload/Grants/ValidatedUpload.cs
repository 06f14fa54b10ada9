namespace DirectUpload.Internal;

/// <summary>An upload request that passed every check, with its profile, key and times fixed.</summary>
internal sealed record ValidatedUpload(
    ResolvedProfile Profile,
    string Key,
    string ContentType,
    long Size,
    string? ContentMd5,
    string? OwnerId,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt)
{
    public string ProfileName => Profile.Name;

    public string Bucket => Profile.Bucket;
}
