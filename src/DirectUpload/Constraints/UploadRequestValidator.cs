namespace DirectUpload.Internal;

/// <summary>
/// Checks an <see cref="UploadRequest"/> against its profile and fixes its key. Every failure is an
/// <see cref="UploadRejectedException"/> raised before anything is signed.
/// </summary>
internal sealed class UploadRequestValidator
{
    public const int MaxFileNameLength = 1024;
    public const int MaxOwnerIdLength = 256;

    private readonly ProfileRegistry _profiles;
    private readonly TimeProvider _timeProvider;
    private readonly CurrentTokenKey _sealKey = new();

    public UploadRequestValidator(ProfileRegistry profiles, TimeProvider timeProvider)
    {
        _profiles = profiles;
        _timeProvider = timeProvider;
    }

    /// <summary>Checks everything and builds the key.</summary>
    /// <param name="resolved">The profile the request names, from the <see cref="ProfileRegistry"/>.</param>
    /// <param name="request">The request.</param>
    /// <param name="singleRequest">Whether the upload is one PUT/POST (capped at 5 GiB).</param>
    /// <param name="withToken">
    /// Whether to make the grant's token with its seal, from one MAC (a single-request grant whose tokens the built-in
    /// token service makes, see <see cref="GrantSeal"/>); otherwise the seal is made alone and the token later.
    /// </param>
    public ValidatedUpload Validate(ResolvedProfile resolved, UploadRequest request, bool singleRequest, bool withToken = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = resolved.Name;
        var profile = resolved.Options;

        ValidateFileName(request.FileName);
        if (!ContentTypes.TryParse(request.ContentType, out var parsedType))
        {
            throw Reject(UploadRejectionReason.InvalidContentType, "The content type is not a strict RFC 9110 media type ('type/subtype', optionally ';name=value' parameters; no commas).");
        }

        var contentType = parsedType.Normalized;
        if (!resolved.AllowedTypes.IsAllowed(contentType))
        {
            throw Reject(UploadRejectionReason.ContentTypeNotAllowed, $"Profile '{name}' does not allow content type '{parsedType.MediaType}'.");
        }

        if (!ContentTypes.HasAllowedParameters(parsedType))
        {
            throw Reject(UploadRejectionReason.ContentTypeNotAllowed, "Only a 'charset' parameter on text/* types may be declared.");
        }

        ValidateSize(name, profile, request.Size, singleRequest);
        // a multipart upload's Content-MD5 requirement holds per part (signed into each part URL), not for the start
        var md5 = singleRequest || request.ContentMd5 is not null ? ValidateMd5(name, profile, request.ContentMd5) : null;
        var owner = ValidateOwner(name, profile, request.OwnerId);
        var metadata = MetadataRules.Merge(name, profile, request.Metadata);

        var now = DirectUpload.S3.Internal.SigV4Signer.SigningInstant(_timeProvider);
        var key = CreateKey(resolved, request.FileName, contentType, owner, now);
        if (key.StartsWith(_profiles.Options.Events.InternalPrefix, StringComparison.Ordinal))
        {
            throw Reject(UploadRejectionReason.InvalidKey, $"The key built for profile '{name}' lies under DirectUpload's internal prefix.");
        }

        var digest = StoredObjectCheck.MetadataDigest(metadata);
        var sealKey = _sealKey.Get(_profiles.Options.TokenSigningKey);
        var expiresAt = now + resolved.Expiry;
        if (withToken && singleRequest)
        {
            var (shared, token) = GrantSeal.CreateWithToken(
                sealKey, resolved.Bucket, key, name, owner, request.Size, contentType, md5, digest, expiresAt + profile.ConfirmationGracePeriod);
            return new ValidatedUpload(resolved, key, contentType, request.Size, md5, owner, WithSeal(metadata, shared), digest, now, expiresAt, token);
        }

        var seal = GrantSeal.Create(sealKey, resolved.Bucket, key, name, owner, request.Size, contentType, md5, multipart: !singleRequest, digest);
        return new ValidatedUpload(resolved, key, contentType, request.Size, md5, owner, WithSeal(metadata, seal), digest, now, expiresAt);
    }

    /// <summary>
    /// Adds the signed grant facts (<see cref="GrantSeal"/>) to the metadata, keeping it sorted by name. S3 counts the seal
    /// against its 2 KB of user metadata too: metadata that fits alone but not with the seal is refused here, before
    /// anything is signed, rather than by S3 when the client uploads.
    /// </summary>
    private static KeyValuePair<string, string>[] WithSeal(IReadOnlyList<KeyValuePair<string, string>> metadata, string seal)
    {
        var sealBytes = GrantSeal.MetadataKey.Length + seal.Length;
        if (sealBytes > MetadataRules.MaxMetadataBytes)
        {
            // every other sealed fact is short and ASCII; only an owner id of escaped characters (e.g. 256 emoji) gets here
            throw Reject(
                UploadRejectionReason.InvalidOwner,
                $"The owner id makes the grant's seal larger than the {MetadataRules.MaxMetadataBytes} bytes of metadata S3 stores with an object.");
        }

        if (MetadataRules.ByteCount(metadata) + sealBytes > MetadataRules.MaxMetadataBytes)
        {
            throw Reject(
                UploadRejectionReason.MetadataNotAllowed,
                $"The metadata is larger than {MetadataRules.MaxMetadataBytes} bytes together with DirectUpload's grant seal ({sealBytes} bytes).");
        }

        var merged = new KeyValuePair<string, string>[metadata.Count + 1];
        var at = 0;
        var placed = false;
        foreach (var pair in metadata)
        {
            if (!placed && string.CompareOrdinal(pair.Key, GrantSeal.MetadataKey) > 0)
            {
                merged[at++] = new(GrantSeal.MetadataKey, seal);
                placed = true;
            }

            merged[at++] = pair;
        }

        if (!placed)
        {
            merged[at] = new(GrantSeal.MetadataKey, seal);
        }

        return merged;
    }

    private static string CreateKey(ResolvedProfile resolved, string fileName, string contentType, string? owner, DateTimeOffset now)
    {
        var prefix = resolved.KeyPrefix;

        // the default strategy's key is written together with the prefix, as one string
        var key = resolved.KeyStrategy is RandomKeyStrategy
            ? ObjectKeys.CreateRandomKey(prefix, now, fileName)
            : string.Concat(prefix, resolved.KeyStrategy.CreateKey(new ObjectKeyArguments(resolved.Name, fileName, contentType, owner, now)));
        if (!ObjectKeys.IsValidKey(key, prefix, out var problem))
        {
            throw Reject(UploadRejectionReason.InvalidKey, $"The key built for profile '{resolved.Name}' was refused: {problem}.");
        }

        return key;
    }

    private static void ValidateSize(string name, UploadProfileOptions profile, long size, bool singleRequest)
    {
        if (size <= 0)
        {
            throw Reject(UploadRejectionReason.InvalidSize, "The declared size must be greater than zero.");
        }

        if (size < profile.MinSizeBytes)
        {
            throw Reject(UploadRejectionReason.TooSmall, $"The declared size {size} is below the minimum of profile '{name}' ({profile.MinSizeBytes} bytes).");
        }

        if (size > profile.MaxSizeBytes)
        {
            throw Reject(UploadRejectionReason.TooLarge, $"The declared size {size} is above the maximum of profile '{name}' ({profile.MaxSizeBytes} bytes).");
        }

        if (singleRequest && size > UploadProfileOptions.SingleRequestLimitBytes)
        {
            throw Reject(UploadRejectionReason.TooLarge, $"The declared size {size} is above the 5 GiB limit of a single PUT or POST; use a multipart upload.");
        }
    }

    private static void ValidateFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            throw Reject(UploadRejectionReason.InvalidFileName, "The file name is empty.");
        }

        if (fileName.Length > MaxFileNameLength)
        {
            throw Reject(UploadRejectionReason.InvalidFileName, $"The file name is longer than {MaxFileNameLength} characters.");
        }

        for (var i = 0; i < fileName.Length; i++)
        {
            var c = fileName[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                throw Reject(UploadRejectionReason.InvalidFileName, "The file name contains a control character.");
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < fileName.Length && char.IsLowSurrogate(fileName[++i])))
            {
                throw Reject(UploadRejectionReason.InvalidFileName, "The file name is not valid UTF-16.");
            }
        }
    }

    private static string? ValidateMd5(string name, UploadProfileOptions profile, string? md5)
    {
        if (string.IsNullOrEmpty(md5))
        {
            return profile.RequireContentMd5
                ? throw Reject(UploadRejectionReason.ContentMd5Required, $"Profile '{name}' requires a Content-MD5.")
                : null;
        }

        if (!ContentMd5.IsValid(md5))
        {
            throw Reject(UploadRejectionReason.InvalidContentMd5, "The Content-MD5 must be the base64 form of a 16-byte MD5 digest.");
        }

        return md5;
    }

    private static string? ValidateOwner(string name, UploadProfileOptions profile, string? owner)
    {
        if (string.IsNullOrEmpty(owner))
        {
            return profile.ScopeToOwner
                ? throw Reject(UploadRejectionReason.OwnerRequired, $"Profile '{name}' is owner-scoped and the request has no owner id.")
                : null;
        }

        if (owner.Length > MaxOwnerIdLength || ContainsControl(owner))
        {
            throw Reject(UploadRejectionReason.InvalidOwner, $"The owner id is longer than {MaxOwnerIdLength} characters or contains control characters.");
        }

        // a lone surrogate would reach the key as U+FFFD, so two different owner ids could share one folder
        for (var i = 0; i < owner.Length; i++)
        {
            if (char.IsHighSurrogate(owner[i]) && i + 1 < owner.Length && char.IsLowSurrogate(owner[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(owner[i]))
            {
                throw Reject(UploadRejectionReason.InvalidOwner, "The owner id is not valid UTF-16.");
            }
        }

        return owner;
    }

    private static bool ContainsControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static UploadRejectedException Reject(UploadRejectionReason reason, string message) => new(reason, message);
}
