namespace DirectUpload;

/// <summary>What a key strategy knows about an upload.</summary>
public readonly struct ObjectKeyArguments
{
    /// <summary>Initializes a new instance of the <see cref="ObjectKeyArguments"/> struct.</summary>
    /// <param name="profile">The profile name.</param>
    /// <param name="fileName">The client's original file name (untrusted).</param>
    /// <param name="contentType">The checked content type.</param>
    /// <param name="ownerId">The owner id, if any.</param>
    /// <param name="timestamp">The instant the grant is issued.</param>
    public ObjectKeyArguments(string profile, string fileName, string contentType, string? ownerId, DateTimeOffset timestamp)
    {
        Profile = profile;
        FileName = fileName;
        ContentType = contentType;
        OwnerId = ownerId;
        Timestamp = timestamp;
    }

    /// <summary>Gets the profile name.</summary>
    public string Profile { get; }

    /// <summary>Gets the client's original file name. Untrusted: never use it as a path without <see cref="ObjectKeys.SanitizeFileName"/>.</summary>
    public string FileName { get; }

    /// <summary>Gets the checked content type.</summary>
    public string ContentType { get; }

    /// <summary>Gets the owner id, or <see langword="null"/>.</summary>
    public string? OwnerId { get; }

    /// <summary>Gets the instant the grant is issued (from the injected <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; }
}
