using System.Globalization;
using Microsoft.Extensions.Options;

namespace DirectUpload.Internal;

/// <summary>
/// Validates <see cref="DirectUploadOptions"/> at startup. Hand-written rather than an <c>[OptionsValidator]</c>:
/// the profiles live in a dictionary, which the generator does not walk, and most rules span several members.
/// Every message names the profile, the member and the bad value.
/// </summary>
internal sealed class DirectUploadOptionsValidator : IValidateOptions<DirectUploadOptions>
{
    private static readonly string[] Encryptions = ["AES256", "aws:kms", "aws:kms:dsse"];
    private static readonly string[] ObjectAcls = ["bucket-owner-full-control", "private"];

    public ValidateOptionsResult Validate(string? name, DirectUploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (TokenKeys.Decode(options.TokenSigningKey) is null)
        {
            errors.Add("DirectUploadOptions.TokenSigningKey must be a base64 key of at least 32 bytes (e.g. the output of `openssl rand -base64 32`).");
        }

        var i = 0;
        foreach (var previous in options.PreviousTokenSigningKeys)
        {
            if (TokenKeys.Decode(previous) is null)
            {
                errors.Add($"DirectUploadOptions.PreviousTokenSigningKeys[{i}] must be a base64 key of at least 32 bytes.");
            }

            i++;
        }

        if (options.UploadSigningClientServiceKey is { } signingKey
            && (string.IsNullOrWhiteSpace(signingKey) || string.Equals(signingKey, options.S3ClientServiceKey, StringComparison.Ordinal)))
        {
            errors.Add($"DirectUploadOptions.UploadSigningClientServiceKey '{signingKey}' must be a non-empty service key other than S3ClientServiceKey (it names the write-only upload identity's client).");
        }

        if (options.Profiles.Count == 0)
        {
            errors.Add("DirectUploadOptions.Profiles is empty: add at least one upload profile.");
        }

        foreach (var (profileName, profile) in options.Profiles)
        {
            ValidateProfile(options, profileName, profile, errors);
        }

        ValidateEvents(options, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateEvents(DirectUploadOptions options, List<string> errors)
    {
        var events = options.Events;
        var prefix = events.InternalPrefix;
        if (string.IsNullOrEmpty(prefix) || prefix[0] == '/' || prefix[^1] != '/' || prefix.Length > 256 || !ObjectKeys.IsValidKey(prefix + "x", prefix, out _))
        {
            errors.Add($"DirectUploadOptions.Events.InternalPrefix '{prefix}' must be a valid key prefix ending with '/' (at most 256 characters).");
        }
        else
        {
            foreach (var (name, profile) in options.Profiles)
            {
                var keyPrefix = profile?.KeyPrefix ?? string.Empty;
                if (keyPrefix.Length > 0 && (keyPrefix.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(keyPrefix, StringComparison.Ordinal)))
                {
                    errors.Add($"Profile '{name}': KeyPrefix '{keyPrefix}' overlaps DirectUploadOptions.Events.InternalPrefix '{prefix}'.");
                }
            }
        }

        if (events.ClaimLease < TimeSpan.FromSeconds(1) || events.ClaimLease > TimeSpan.FromDays(1))
        {
            errors.Add($"DirectUploadOptions.Events.ClaimLease '{events.ClaimLease}' must be between 1 second and 1 day.");
        }

        if (events.ConfirmWait < TimeSpan.Zero || events.ConfirmWait > TimeSpan.FromMinutes(1))
        {
            errors.Add($"DirectUploadOptions.Events.ConfirmWait '{events.ConfirmWait}' must be between 0 and 1 minute.");
        }

        if (events.ProcessingRetryDelays.Count > 10 || events.ProcessingRetryDelays.Any(d => d < TimeSpan.Zero || d > TimeSpan.FromMinutes(1)))
        {
            errors.Add("DirectUploadOptions.Events.ProcessingRetryDelays must hold at most 10 delays of 0 to 1 minute each.");
        }

        if (events.MaxProcessingDeliveries is < 1 or > 1000)
        {
            errors.Add($"DirectUploadOptions.Events.MaxProcessingDeliveries '{events.MaxProcessingDeliveries}' must be between 1 and 1000.");
        }
    }

    private static void ValidateProfile(DirectUploadOptions options, string name, UploadProfileOptions? profile, List<string> errors)
    {
        var p = $"Profile '{name}'";
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add($"{p}: the name must be 1–64 ASCII letters, digits, '-' or '_' (it appears in URLs).");
        }

        if (profile is null)
        {
            errors.Add($"{p} is null.");
            return;
        }

        if (!Enum.IsDefined(profile.Method))
        {
            errors.Add($"{p}: Method '{profile.Method}' is not a defined UploadMethod.");
        }

        var bucket = profile.BucketName ?? options.BucketName;
        if (string.IsNullOrWhiteSpace(bucket))
        {
            errors.Add($"{p}: BucketName is not set, and neither is DirectUploadOptions.BucketName.");
        }
        else if (bucket.Length is < 3 or > 255 || bucket.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
        {
            errors.Add($"{p}: BucketName '{bucket}' is not a valid bucket name.");
        }

        var prefix = profile.KeyPrefix ?? string.Empty;
        if (prefix.Length > 0 && (prefix[0] == '/' || prefix[^1] != '/' || !ObjectKeys.IsValidKey(prefix + "x", prefix, out _) || prefix.Length > 512))
        {
            errors.Add($"{p}: KeyPrefix '{prefix}' must not start with '/', must end with '/', must have no '.', '..' or empty segments or control characters, and must be at most 512 characters.");
        }

        if (profile.AllowedContentTypes.Count == 0)
        {
            errors.Add($"{p}: AllowedContentTypes is empty; list the media types to accept (e.g. 'image/*'), or '*/*' for any.");
        }

        foreach (var type in profile.AllowedContentTypes)
        {
            if (!ContentTypes.IsValidPattern(type))
            {
                errors.Add($"{p}: AllowedContentTypes entry '{type}' is not 'type/subtype', 'type/*' or '*/*'.");
            }
        }

        if (profile.MaxPartUrlsPerRequest is < 1 or > DirectUpload.S3.Internal.S3MultipartUploadService.MaxPartsPerCall)
        {
            errors.Add($"{p}: MaxPartUrlsPerRequest ({profile.MaxPartUrlsPerRequest}) must be between 1 and {DirectUpload.S3.Internal.S3MultipartUploadService.MaxPartsPerCall}.");
        }

        if (profile.MinSizeBytes < 0)
        {
            errors.Add($"{p}: MinSizeBytes ({profile.MinSizeBytes}) must not be negative.");
        }

        if (profile.MaxSizeBytes < 1 || profile.MaxSizeBytes < profile.MinSizeBytes)
        {
            errors.Add($"{p}: MaxSizeBytes ({profile.MaxSizeBytes}) must be at least 1 and at least MinSizeBytes ({profile.MinSizeBytes}).");
        }

        if (profile.MaxSizeBytes > UploadProfileOptions.SingleRequestLimitBytes && profile.Method is UploadMethod.Put or UploadMethod.Post)
        {
            errors.Add($"{p}: MaxSizeBytes ({profile.MaxSizeBytes}) is above the 5 GiB limit of a single {profile.Method}; use Method Multipart or Auto.");
        }

        if (profile.MaxSizeBytes > 10_000 * UploadProfileOptions.MaxPartSizeBytes)
        {
            errors.Add($"{p}: MaxSizeBytes ({profile.MaxSizeBytes}) is above what 10,000 parts of 5 GiB can hold.");
        }

        if (profile.Expiry < TimeSpan.FromSeconds(1) || profile.Expiry > TimeSpan.FromDays(7))
        {
            errors.Add($"{p}: Expiry ({profile.Expiry.ToString("c", CultureInfo.InvariantCulture)}) must be between 00:00:01 and 7.00:00:00 (the SigV4 limit).");
        }

        if (profile.ServerSideEncryption is { } sse && !Encryptions.Contains(sse, StringComparer.Ordinal))
        {
            errors.Add($"{p}: ServerSideEncryption '{sse}' must be one of {string.Join(", ", Encryptions)}.");
        }

        if (profile.KmsKeyId is not null && profile.ServerSideEncryption is not ("aws:kms" or "aws:kms:dsse"))
        {
            errors.Add($"{p}: KmsKeyId is set but ServerSideEncryption is '{profile.ServerSideEncryption}', not aws:kms or aws:kms:dsse.");
        }

        if (profile.ObjectAcl is { } acl && !ObjectAcls.Contains(acl, StringComparer.Ordinal))
        {
            errors.Add($"{p}: ObjectAcl '{acl}' must be one of {string.Join(", ", ObjectAcls)}, or null to sign no ACL (a grant never makes objects public).");
        }

        CheckHeaderValue(p, nameof(profile.KmsKeyId), profile.KmsKeyId, errors);
        CheckHeaderValue(p, nameof(profile.StorageClass), profile.StorageClass, errors);
        CheckHeaderValue(p, nameof(profile.CacheControl), profile.CacheControl, errors);
        CheckHeaderValue(p, nameof(profile.ContentDisposition), profile.ContentDisposition, errors);

        foreach (var (key, value) in profile.Metadata)
        {
            if (!MetadataRules.IsValidKey(key))
            {
                errors.Add($"{p}: Metadata key '{key}' must be 1–128 ASCII letters, digits, '-' or '_'.");
            }

            if (!MetadataRules.IsValidValue(value))
            {
                errors.Add($"{p}: Metadata['{key}'] value '{value}' must be at most 1024 printable ASCII characters without surrounding spaces.");
            }
        }

        foreach (var key in profile.AllowedMetadataKeys)
        {
            if (!MetadataRules.IsValidKey(key))
            {
                errors.Add($"{p}: AllowedMetadataKeys entry '{key}' must be 1–128 ASCII letters, digits, '-' or '_'.");
            }
        }

        if (profile.PartSizeBytes < UploadProfileOptions.MinPartSizeBytes || profile.PartSizeBytes > UploadProfileOptions.MaxPartSizeBytes)
        {
            errors.Add($"{p}: PartSizeBytes ({profile.PartSizeBytes}) must be between 5 MiB (5242880) and 5 GiB (5368709120).");
        }

        if (profile.MultipartLifetime < TimeSpan.FromMinutes(1) || profile.MultipartLifetime > TimeSpan.FromDays(7))
        {
            errors.Add($"{p}: MultipartLifetime ({profile.MultipartLifetime.ToString("c", CultureInfo.InvariantCulture)}) must be between 00:01:00 and 7.00:00:00.");
        }

        if (profile.ConfirmationGracePeriod < TimeSpan.Zero || profile.ConfirmationGracePeriod > TimeSpan.FromDays(7))
        {
            errors.Add($"{p}: ConfirmationGracePeriod ({profile.ConfirmationGracePeriod.ToString("c", CultureInfo.InvariantCulture)}) must be between 00:00:00 and 7.00:00:00.");
        }

        if (profile.MultipartThresholdBytes < 1)
        {
            errors.Add($"{p}: MultipartThresholdBytes ({profile.MultipartThresholdBytes}) must be at least 1.");
        }
    }

    private static void CheckHeaderValue(string p, string member, string? value, List<string> errors)
    {
        if (value is not null && (value.Length == 0 || value.Length > 1024 || value.Any(c => c is < ' ' or > '~')))
        {
            errors.Add($"{p}: {member} '{value}' must be 1–1024 printable ASCII characters.");
        }
    }
}
