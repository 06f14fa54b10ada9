namespace DirectUpload;

/// <summary>One named kind of upload: what may be uploaded, how, where it lands and for how long a grant lives.</summary>
public class UploadProfileOptions
{
    /// <summary>The largest object a single <c>PUT</c> or <c>POST</c> can store: 5 GiB.</summary>
    public const long SingleRequestLimitBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The smallest multipart part S3 accepts (except the last): 5 MiB.</summary>
    public const long MinPartSizeBytes = 5L * 1024 * 1024;

    /// <summary>The largest multipart part S3 accepts: 5 GiB.</summary>
    public const long MaxPartSizeBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The most parts a multipart upload may have.</summary>
    public const int MaxPartCount = 10_000;

    /// <summary>Gets or sets how clients upload.</summary>
    /// <value>The method. The default value is <see cref="UploadMethod.Put"/>.</value>
    public UploadMethod Method { get; set; } = UploadMethod.Put;

    /// <summary>Gets or sets the bucket; <see langword="null"/> uses <see cref="DirectUploadOptions.BucketName"/>.</summary>
    /// <value>The bucket name. The default value is <see langword="null"/>.</value>
    public string? BucketName { get; set; }

    /// <summary>
    /// Gets or sets the prefix every key of the profile starts with, e.g. <c>photos/</c>. No leading <c>/</c>;
    /// a non-empty prefix ends with <c>/</c>. Every key is checked to stay under it.
    /// </summary>
    /// <value>The prefix. The default value is the empty string.</value>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>
    /// Gets the allowed media types: exact (<c>image/png</c>) or wildcards (<c>image/*</c>, or <c>*/*</c> for any).
    /// At least one is required.
    /// </summary>
    /// <value>The types. The default value is an empty collection, which fails validation.</value>
    public ICollection<string> AllowedContentTypes { get; } = new List<string>();

    /// <summary>Gets or sets the smallest allowed size in bytes.</summary>
    /// <value>The minimum. The default value is 1.</value>
    public long MinSizeBytes { get; set; } = 1;

    /// <summary>Gets or sets the largest allowed size in bytes. Above 5 GiB the profile must use multipart.</summary>
    /// <value>The maximum. The default value is 10 MiB (10485760).</value>
    public long MaxSizeBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Gets or sets how long a grant stays valid. Between one second and seven days (the SigV4 limit).</summary>
    /// <value>The lifetime. The default value is 15 minutes.</value>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets a value indicating whether every request must carry a Content-MD5, which the store verifies (for a
    /// multipart upload, every part).
    /// </summary>
    /// <value><see langword="true"/> to require it. The default value is <see langword="false"/>.</value>
    public bool RequireContentMd5 { get; set; }

    /// <summary>Gets or sets a value indicating whether keys go under <c>users/{owner}/</c>; an owner id is then required.</summary>
    /// <value><see langword="true"/> to scope keys to their owner. The default value is <see langword="false"/>.</value>
    public bool ScopeToOwner { get; set; }

    /// <summary>Gets or sets a value indicating whether keys go under <c>yyyy/MM/dd/</c> (UTC date of the grant).</summary>
    /// <value><see langword="true"/> to partition by date. The default value is <see langword="false"/>.</value>
    public bool PartitionByDate { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the key ends with the sanitized original file name after the random id.
    /// </summary>
    /// <value><see langword="true"/> to keep the name. The default value is <see langword="false"/> (random id plus extension).</value>
    public bool KeepFileName { get; set; }

    /// <summary>
    /// Gets or sets a custom key strategy. When set it replaces the one built from <see cref="ScopeToOwner"/>,
    /// <see cref="PartitionByDate"/> and <see cref="KeepFileName"/>; <see cref="KeyPrefix"/> is still prepended and every key still checked.
    /// </summary>
    /// <value>The strategy. The default value is <see langword="null"/>.</value>
    public IObjectKeyStrategy? KeyStrategy { get; set; }

    /// <summary>Gets metadata stamped on every object of the profile (<c>x-amz-meta-{key}</c>), bound into the grant.</summary>
    /// <value>The metadata. The default value is an empty dictionary.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the metadata keys a client may set through <see cref="UploadRequest.Metadata"/>.</summary>
    /// <value>The keys. The default value is an empty collection (no client metadata).</value>
    public ICollection<string> AllowedMetadataKeys { get; } = new List<string>();

    /// <summary>Gets or sets the server-side encryption: <c>AES256</c>, <c>aws:kms</c> or <c>aws:kms:dsse</c>.</summary>
    /// <value>The algorithm. The default value is <see langword="null"/> (the bucket's default).</value>
    public string? ServerSideEncryption { get; set; }

    /// <summary>Gets or sets the KMS key id for <c>aws:kms</c> encryption.</summary>
    /// <value>The key id or ARN. The default value is <see langword="null"/> (the AWS managed key).</value>
    public string? KmsKeyId { get; set; }

    /// <summary>Gets or sets the storage class, e.g. <c>STANDARD_IA</c>.</summary>
    /// <value>The storage class. The default value is <see langword="null"/> (the bucket's default).</value>
    public string? StorageClass { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a grant may only create its key, never replace an object already stored
    /// there. PUT grants then sign <c>If-None-Match: *</c>, so the store itself refuses a replayed grant
    /// (<c>412 PreconditionFailed</c>, on AWS S3 and on Ceph RGW); multipart completion checks that the key is still free
    /// and asks the store to complete only then (<c>If-None-Match: *</c>, which AWS enforces and RGW 16.2 ignores);
    /// POST grants cannot carry it (neither AWS nor RGW offers a conditional POST), so a POST grant stays replayable until it
    /// expires: keep its <see cref="Expiry"/> short, or use PUT where replays matter (see docs/security.md).
    /// </summary>
    /// <value><see langword="true"/> to make grants single-use. The default value is <see langword="true"/>.</value>
    public bool PreventOverwrite { get; set; } = true;

    /// <summary>
    /// Gets or sets the canned ACL signed into PUT grants as <c>x-amz-acl</c>: <c>bucket-owner-full-control</c>,
    /// <c>private</c>, or <see langword="null"/> to sign none. A signed ACL means no other ACL can be sent with the grant:
    /// the store refuses another <c>x-amz-acl</c> value (signature mismatch) and any <c>x-amz-grant-*</c> header
    /// (a canned ACL and grant headers together are an invalid request). This matters on Ceph RGW, which applies unsigned
    /// ACL headers of a presigned PUT; AWS S3 refuses unsigned <c>x-amz-*</c> headers anyway. <c>bucket-owner-full-control</c>
    /// is also accepted by AWS buckets whose ACLs are disabled (the AWS default), where <c>private</c> is refused.
    /// </summary>
    /// <value>The canned ACL. The default value is <c>bucket-owner-full-control</c>.</value>
    public string? ObjectAcl { get; set; } = "bucket-owner-full-control";

    /// <summary>
    /// Gets or sets a value indicating whether PUT grants sign <c>x-amz-tagging</c> and <c>x-amz-website-redirect-location</c>
    /// with empty values, so a grant holder cannot tag the object or turn it into a website redirect (the store refuses any
    /// other value with a signature mismatch), and, when <see cref="CacheControl"/> is not set, an empty <c>Cache-Control</c>
    /// too: a browser adds <c>Cache-Control: no-cache</c> to a request that carries <c>If-None-Match</c> unless the page
    /// sets one (Fetch standard), and the store would keep it. The client sends these headers empty, as the grant lists them.
    /// Needed on Ceph RGW, which honours these unsigned headers on presigned PUTs; turn it off only for a store or client
    /// that cannot send empty headers. On AWS S3 itself (an <c>amazonaws.com</c> endpoint), which refuses unsigned
    /// <c>x-amz-*</c> headers and validates a website redirect's value, only the empty <c>Cache-Control</c> is signed.
    /// </summary>
    /// <value><see langword="true"/> to seal the headers. The default value is <see langword="true"/>.</value>
    public bool SealObjectHeaders { get; set; } = true;

    /// <summary>Gets or sets the <c>Cache-Control</c> stored with each object.</summary>
    /// <value>The header value. The default value is <see langword="null"/>.</value>
    public string? CacheControl { get; set; }

    /// <summary>Gets or sets the <c>Content-Disposition</c> stored with each object.</summary>
    /// <value>The header value. The default value is <see langword="null"/>.</value>
    public string? ContentDisposition { get; set; }

    /// <summary>Gets or sets the size from which <see cref="UploadMethod.Auto"/> switches to multipart.</summary>
    /// <value>The threshold in bytes. The default value is 100 MiB (104857600).</value>
    public long MultipartThresholdBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Gets or sets the preferred multipart part size. Raised when needed so an upload has at most 10,000 parts.</summary>
    /// <value>The part size in bytes, at least 5 MiB. The default value is 16 MiB (16777216).</value>
    public long PartSizeBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long a multipart upload's token lets its owner sign parts, list, complete and abort.
    /// Each part URL still expires after <see cref="Expiry"/>. At most seven days.
    /// </summary>
    /// <value>The lifetime. The default value is one day.</value>
    public TimeSpan MultipartLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets the most part URLs one call may ask for. Clients sign parts just in time in small batches, so a
    /// low cap costs them nothing and bounds the work (and response size) one request can cause. From 1 to 1000.
    /// </summary>
    /// <value>The cap. The default value is 100.</value>
    public int MaxPartUrlsPerRequest { get; set; } = 100;

    /// <summary>
    /// Gets or sets how long after a single-request grant expires its token can still confirm the upload
    /// (an upload that started before expiry may finish after it). At most seven days.
    /// </summary>
    /// <value>The grace period. The default value is one hour.</value>
    public TimeSpan ConfirmationGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets a value indicating whether confirmation deletes an object that does not match its grant
    /// (wrong size or content type), so nothing unverified stays in the bucket.
    /// </summary>
    /// <value><see langword="true"/> to delete. The default value is <see langword="true"/>.</value>
    public bool DeleteInvalidUploads { get; set; } = true;

    /// <summary>
    /// Gets or sets the name of the authorization policy a user must satisfy to use the profile (enforced by the
    /// ASP.NET Core endpoints).
    /// </summary>
    /// <value>The policy name. The default value is <see langword="null"/> (any authenticated user when owner-scoped, else anyone).</value>
    public string? AuthorizationPolicy { get; set; }
}
