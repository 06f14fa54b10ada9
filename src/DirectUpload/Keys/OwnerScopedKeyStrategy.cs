namespace DirectUpload;

/// <summary>
/// Puts another strategy's key under its owner: <c>users/{owner}/{inner}</c>. The owner id is encoded
/// (see <see cref="ObjectKeys.EncodeOwnerSegment"/>) so that no owner id can name another owner's folder or escape it.
/// </summary>
public sealed class OwnerScopedKeyStrategy : IObjectKeyStrategy
{
    private readonly IObjectKeyStrategy _inner;
    private readonly string _folder;

    /// <summary>Initializes a new instance of the <see cref="OwnerScopedKeyStrategy"/> class.</summary>
    /// <param name="inner">The strategy that names the object inside the owner's folder.</param>
    /// <param name="folder">The folder that holds the owners' folders. The default is <c>users</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty or contains <c>/</c>.</exception>
    public OwnerScopedKeyStrategy(IObjectKeyStrategy inner, string folder = "users")
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (folder.Contains('/', StringComparison.Ordinal) || folder is "." or "..")
        {
            throw new ArgumentException($"The owner folder '{folder}' must be a single segment.", nameof(folder));
        }

        _inner = inner;
        _folder = folder;
    }

    /// <inheritdoc />
    /// <exception cref="UploadRejectedException">The arguments carry no owner id.</exception>
    public string CreateKey(in ObjectKeyArguments args)
    {
        if (string.IsNullOrEmpty(args.OwnerId))
        {
            throw new UploadRejectedException(UploadRejectionReason.OwnerRequired, $"Profile '{args.Profile}' is owner-scoped and the request has no owner id.");
        }

        return string.Concat(_folder, "/", ObjectKeys.EncodeOwnerSegment(args.OwnerId), "/", _inner.CreateKey(args));
    }
}
