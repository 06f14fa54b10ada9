using DirectUpload.S3.Internal;

namespace DirectUpload.Internal;

/// <summary>
/// One profile as every entry point uses it, worked out once by the <see cref="ProfileRegistry"/> (at start-up and on
/// each options change): the configured name, the bucket and its address, the composed key strategy, the stored headers,
/// the parsed allowed types, the authorization policy, and the method with its signer. Immutable.
/// </summary>
internal sealed class ResolvedProfile
{
    private readonly S3ClientContext? _s3;
    private readonly IGrantSigner? _signer;
    private BucketAddress? _address;
    private KeyValuePair<string, string>[]? _putGuardHeaders;

    public ResolvedProfile(string name, UploadProfileOptions options, string bucket, S3ClientContext? s3, IGrantSigner? signer)
    {
        Name = name;
        Options = options;
        Bucket = bucket;
        _s3 = s3;
        _signer = signer;
        KeyStrategy = options.KeyStrategy ?? BuildKeyStrategy(options);
        OwnerFolders = options.ScopeToOwner && options.KeyStrategy is null;
        AllowedTypes = AllowedMediaTypes.Parse(options.AllowedContentTypes);
        StoredHeaders = new StoredHeaders(options);
        KeyPrefix = options.KeyPrefix;
        Expiry = options.Expiry;
        MinSizeBytes = options.MinSizeBytes;
        MaxSizeBytes = options.MaxSizeBytes;
    }

    /// <summary>Gets the configured spelling of the name: it goes into tokens, hooks and metric tags.</summary>
    public string Name { get; }

    /// <summary>Gets the options the profile was resolved from (read only).</summary>
    public UploadProfileOptions Options { get; }

    public string Bucket { get; }

    /// <summary>Gets where the bucket's objects are addressed, computed on first use from the S3 client's configuration.</summary>
    /// <remarks>The client (and so its endpoint configuration) is resolved once for the app's lifetime, so the address cannot go stale.</remarks>
    public BucketAddress Address => _address ??= (_s3 ?? throw new InvalidOperationException("No S3 client context.")).GetEndpoint(Bucket).AddressOf(Bucket);

    /// <summary>Gets the key strategy: the profile's own, or the built-ins composed from its flags.</summary>
    public IObjectKeyStrategy KeyStrategy { get; }

    /// <summary>Gets a value indicating whether keys lie in <c>users/{owner}/</c> under the prefix (owner-scoped, built-in layout).</summary>
    public bool OwnerFolders { get; }

    public AllowedMediaTypes AllowedTypes { get; }

    public StoredHeaders StoredHeaders { get; }

    public string KeyPrefix { get; }

    /// <summary>Gets how long a grant (or a part URL) stays valid.</summary>
    public TimeSpan Expiry { get; }

    public long MinSizeBytes { get; }

    public long MaxSizeBytes { get; }

    /// <summary>
    /// Gets the headers a PUT grant signs beyond the upload's own and the stored ones, the same for every grant of the
    /// profile: <c>If-None-Match: *</c> (single use), the canned ACL, and the sealed headers signed empty.
    /// </summary>
    public KeyValuePair<string, string>[] PutGuardHeaders => _putGuardHeaders ??= BuildPutGuardHeaders(Options, Address.Endpoint.IsAmazonS3);

    public string? AuthorizationPolicy => Options.AuthorizationPolicy;

    /// <summary>The method a request of this size uses (<see cref="UploadMethod.Auto"/> resolved by the threshold).</summary>
    public UploadMethod MethodFor(long size) => Options.Method switch
    {
        UploadMethod.Auto => size >= Options.MultipartThresholdBytes ? UploadMethod.Multipart : UploadMethod.Put,
        var m => m,
    };

    /// <summary>The signer of a single-request grant of this size, or <see langword="null"/> when it takes the multipart path.</summary>
    public IGrantSigner? SignerFor(long size) => MethodFor(size) == UploadMethod.Multipart ? null : _signer;

    /// <summary>The folder of an owner's keys, when the profile keeps one per owner (<see cref="OwnerFolders"/>).</summary>
    public string OwnerFolder(string owner) => string.Concat(Options.KeyPrefix, "users/", ObjectKeys.EncodeOwnerSegment(owner), "/");

    public override string ToString() => $"ResolvedProfile {{ {Name} }}";

    private static KeyValuePair<string, string>[] BuildPutGuardHeaders(UploadProfileOptions options, bool isAmazonS3)
    {
        var headers = new List<KeyValuePair<string, string>>(5);
        if (options.PreventOverwrite)
        {
            // single-use: the store refuses a replay once the key exists (412 PreconditionFailed)
            headers.Add(new("If-None-Match", "*"));
        }

        if (options.ObjectAcl is { } acl)
        {
            // a signed canned ACL: no other x-amz-acl value, and no x-amz-grant-* header, is accepted with it
            headers.Add(new("x-amz-acl", acl));
        }

        if (options.SealObjectHeaders)
        {
            if (!isAmazonS3)
            {
                // signed empty: any value a client adds breaks the signature (RGW honours these when unsigned). AWS S3
                // refuses unsigned x-amz-* headers itself and validates a website redirect's value, so they stay unsigned there.
                headers.Add(new("x-amz-tagging", string.Empty));
                headers.Add(new("x-amz-website-redirect-location", string.Empty));
            }

            // Also an empty Cache-Control when the profile stores none: a browser that sends If-None-Match adds
            // "Cache-Control: no-cache" to the request unless the page set one (Fetch standard, HTTP-network-or-cache
            // fetch), and the store would keep it. Signed empty, neither the browser nor a client can add one.
            if (options.CacheControl is null)
            {
                headers.Add(new("Cache-Control", string.Empty));
            }
        }

        return [.. headers];
    }

    private static IObjectKeyStrategy BuildKeyStrategy(UploadProfileOptions profile)
    {
        IObjectKeyStrategy strategy = profile.KeepFileName ? RandomFileNameKeyStrategy.Instance : RandomKeyStrategy.Instance;
        if (profile.PartitionByDate)
        {
            strategy = new DatePartitionedKeyStrategy(strategy);
        }

        if (profile.ScopeToOwner)
        {
            strategy = new OwnerScopedKeyStrategy(strategy);
        }

        return strategy;
    }
}
