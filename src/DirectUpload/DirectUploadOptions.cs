namespace DirectUpload;

/// <summary>Options of DirectUpload: the store, the token key, and the named upload profiles.</summary>
/// <remarks>
/// Bindable from configuration, e.g. <c>services.Configure&lt;DirectUploadOptions&gt;(configuration.GetSection("DirectUpload"))</c>.
/// Validated at startup: a bad value stops the host with a message that names the profile, the member and the value.
/// </remarks>
public class DirectUploadOptions
{
    /// <summary>Gets or sets the default bucket for profiles that do not name their own.</summary>
    /// <value>The bucket name. The default value is <see langword="null"/> (each profile must then name one).</value>
    public string? BucketName { get; set; }

    /// <summary>
    /// Gets or sets the base64 key that protects grant tokens with HMAC-SHA256. At least 32 bytes once decoded.
    /// Every app instance that confirms uploads must share it. Keep it secret (a secret store, not source control).
    /// </summary>
    /// <value>The key. The default value is <see langword="null"/>, which fails validation at startup.</value>
    public string? TokenSigningKey { get; set; }

    /// <summary>
    /// Gets the base64 keys that tokens issued before a key rotation were signed with. Tokens are only ever issued with
    /// <see cref="TokenSigningKey"/>; these are accepted when verifying.
    /// </summary>
    /// <value>The keys. The default value is an empty collection.</value>
    public ICollection<string> PreviousTokenSigningKeys { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the DI service key of the <c>IAmazonS3</c> client to use; <see langword="null"/> uses the unkeyed
    /// registration. Without any registered client, the AWS SDK's default credential chain and region are used.
    /// </summary>
    /// <value>The service key. The default value is <see langword="null"/>.</value>
    public string? S3ClientServiceKey { get; set; }

    /// <summary>
    /// Gets or sets the DI service key of a second <c>IAmazonS3</c> whose credentials sign what clients write with: PUT and
    /// POST grants and multipart part URLs. Give it a least-privilege identity that may write objects but not read them
    /// (on Ceph RGW a subuser with <c>--access=write</c>), so a grant holder who adds an unsigned
    /// <c>x-amz-copy-source</c> header cannot copy another user's object into their key. Confirmation, downloads,
    /// deletes and the multipart calls still use the main client (<see cref="S3ClientServiceKey"/>).
    /// <see langword="null"/> signs uploads with the main client's credentials.
    /// </summary>
    /// <value>The service key. The default value is <see langword="null"/>.</value>
    public string? UploadSigningClientServiceKey { get; set; }

    /// <summary>Gets the options of the event pipeline (completion markers, claims, processing retries).</summary>
    /// <value>The event options.</value>
    public DirectUploadEventOptions Events { get; } = new();

    /// <summary>Gets the upload profiles by name (case-insensitive).</summary>
    /// <value>The profiles. The default value is an empty dictionary.</value>
    public IDictionary<string, UploadProfileOptions> Profiles { get; } =
        new Dictionary<string, UploadProfileOptions>(StringComparer.OrdinalIgnoreCase);
}
