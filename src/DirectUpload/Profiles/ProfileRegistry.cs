using System.Diagnostics.CodeAnalysis;
using DirectUpload.S3.Internal;
using Microsoft.Extensions.Options;

namespace DirectUpload.Internal;

/// <summary>
/// Every configured profile, resolved once (<see cref="ResolvedProfile"/>) at start-up and again on each options change.
/// The one place a profile is looked up, and so the one place an unknown profile is rejected.
/// </summary>
internal sealed class ProfileRegistry : IDisposable
{
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly S3ClientContext? _s3;
    private readonly PutGrantSigner? _put;
    private readonly PostGrantSigner? _post;
    private readonly IDisposable? _subscription;
    private Snapshot _snapshot;

    public ProfileRegistry(IOptionsMonitor<DirectUploadOptions> options, S3ClientContext? s3 = null, PutGrantSigner? put = null, PostGrantSigner? post = null)
    {
        _options = options;
        _s3 = s3;
        _put = put;
        _post = post;
        _snapshot = Resolve(options.CurrentValue);
        _subscription = options.OnChange((changed, name) =>
        {
            if (string.IsNullOrEmpty(name))
            {
                Volatile.Write(ref _snapshot, Resolve(changed));
            }
        });
    }

    /// <summary>Gets the options the profiles were resolved from (for the settings that are not per profile).</summary>
    public DirectUploadOptions Options => Current.Options;

    private Snapshot Current
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            var options = _options.CurrentValue;
            if (!ReferenceEquals(snapshot.Options, options))
            {
                // a monitor that replaced its value without a change notification
                snapshot = Resolve(options);
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot;
        }
    }

    /// <summary>Finds a profile by name (case-insensitive).</summary>
    /// <exception cref="UploadRejectedException"><see cref="UploadRejectionReason.UnknownProfile"/>: no profile has this name.</exception>
    public ResolvedProfile Get(string? name) => TryGet(name, out var profile) ? profile : throw UnknownProfile();

    /// <summary>The one rejection of a profile name that is not configured (a caller that must not throw returns it as a problem).</summary>
    public static UploadRejectedException UnknownProfile() =>
        new(UploadRejectionReason.UnknownProfile, "The upload profile is not configured.");

    /// <summary>Finds a profile by name (case-insensitive).</summary>
    public bool TryGet(string? name, [NotNullWhen(true)] out ResolvedProfile? profile)
    {
        profile = null;
        if (string.IsNullOrEmpty(name) || !Current.Profiles.TryGetValue(name, out var entry))
        {
            return false;
        }

        profile = entry.Profile ?? throw new InvalidOperationException(entry.Error);
        return true;
    }

    /// <summary>Whether any profile stores its objects in this bucket.</summary>
    public bool IsProfileBucket(string bucket) => Current.Buckets.Contains(bucket);

    public void Dispose() => _subscription?.Dispose();

    private Snapshot Resolve(DirectUploadOptions options)
    {
        var profiles = new Dictionary<string, Entry>(options.Profiles.Count, StringComparer.OrdinalIgnoreCase);
        var buckets = new HashSet<string>(StringComparer.Ordinal);
        if (options.BucketName is { } defaultBucket)
        {
            buckets.Add(defaultBucket);
        }

        foreach (var (name, profile) in options.Profiles)
        {
            var bucket = profile.BucketName ?? options.BucketName;
            if (bucket is null)
            {
                // refused at startup by the options validator; kept here for hosts that skip validation
                profiles[name] = new Entry(null, $"Profile '{name}' has no bucket and DirectUploadOptions.BucketName is not set.");
                continue;
            }

            buckets.Add(bucket);
            IGrantSigner? signer = profile.Method == UploadMethod.Post ? _post : _put;
            profiles[name] = new Entry(new ResolvedProfile(name, profile, bucket, _s3, signer), null);
        }

        return new Snapshot(options, profiles, buckets);
    }

    private sealed record Entry(ResolvedProfile? Profile, string? Error);

    private sealed record Snapshot(DirectUploadOptions Options, Dictionary<string, Entry> Profiles, HashSet<string> Buckets);
}
