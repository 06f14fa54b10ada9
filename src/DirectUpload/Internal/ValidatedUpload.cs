namespace DirectUpload.Internal;

/// <summary>An upload request that passed every check, with its key, bucket and times fixed.</summary>
internal sealed record ValidatedUpload(
    string ProfileName,
    UploadProfileOptions Profile,
    string Bucket,
    string Key,
    string ContentType,
    long Size,
    string? ContentMd5,
    string? OwnerId,
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt);
