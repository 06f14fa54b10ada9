using Amazon.S3;
using Amazon.S3.Model;

namespace DirectUpload.S3.Internal;

/// <summary>
/// The headers S3 stores with every object of a profile beyond type, length and MD5 (<c>Cache-Control</c>,
/// <c>Content-Disposition</c>, encryption, storage class), worked out once per profile: the one mapping from profile
/// options to stored headers, for PUT headers, POST fields and the multipart start alike. Immutable.
/// </summary>
internal sealed class StoredHeaders
{
    private readonly KeyValuePair<string, string>[] _beforeMetadata;
    private readonly KeyValuePair<string, string>[] _afterMetadata;

    public StoredHeaders(UploadProfileOptions profile)
    {
        CacheControl = profile.CacheControl;
        ContentDisposition = profile.ContentDisposition;
        ServerSideEncryption = profile.ServerSideEncryption;
        KmsKeyId = profile.ServerSideEncryption is null ? null : profile.KmsKeyId;
        StorageClass = profile.StorageClass;

        var before = new List<KeyValuePair<string, string>>(2);
        Add(before, "Cache-Control", CacheControl);
        Add(before, "Content-Disposition", ContentDisposition);
        var after = new List<KeyValuePair<string, string>>(3);
        Add(after, "x-amz-server-side-encryption", ServerSideEncryption);
        Add(after, "x-amz-server-side-encryption-aws-kms-key-id", KmsKeyId);
        Add(after, "x-amz-storage-class", StorageClass);
        _beforeMetadata = [.. before];
        _afterMetadata = [.. after];
    }

    public string? CacheControl { get; }

    public string? ContentDisposition { get; }

    public string? ServerSideEncryption { get; }

    public string? KmsKeyId { get; }

    public string? StorageClass { get; }

    /// <summary>How many entries <see cref="AddTo"/> adds for this metadata.</summary>
    public int CountWith(IReadOnlyList<KeyValuePair<string, string>> metadata) =>
        _beforeMetadata.Length + metadata.Count + _afterMetadata.Length;

    /// <summary>Adds the stored headers and the metadata (<c>x-amz-meta-{name}</c>), as sent on a PUT or as POST fields.</summary>
    public void AddTo(GrantParameters target, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        // names unique by construction: the fixed ones differ, and metadata names are unique and prefixed
        foreach (var (name, value) in _beforeMetadata)
        {
            target.Add(name, value);
        }

        for (var i = 0; i < metadata.Count; i++)
        {
            var (key, value) = metadata[i];
            target.Add("x-amz-meta-" + key, value);
        }

        foreach (var (name, value) in _afterMetadata)
        {
            target.Add(name, value);
        }
    }

    /// <summary>Sets the same stored headers and metadata on the store's own multipart start call.</summary>
    public void ApplyTo(InitiateMultipartUploadRequest create, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            create.Metadata.Add(key, value);
        }

        if (CacheControl is not null)
        {
            create.Headers.CacheControl = CacheControl;
        }

        if (ContentDisposition is not null)
        {
            create.Headers.ContentDisposition = ContentDisposition;
        }

        if (ServerSideEncryption is not null)
        {
            create.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(ServerSideEncryption);
            if (KmsKeyId is not null)
            {
                create.ServerSideEncryptionKeyManagementServiceKeyId = KmsKeyId;
            }
        }

        if (StorageClass is not null)
        {
            create.StorageClass = new S3StorageClass(StorageClass);
        }
    }

    private static void Add(List<KeyValuePair<string, string>> list, string name, string? value)
    {
        if (value is not null)
        {
            list.Add(new(name, value));
        }
    }
}
