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
