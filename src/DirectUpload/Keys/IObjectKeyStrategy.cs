namespace DirectUpload;

/// <summary>Names the object an upload is stored under (the part after the profile's <see cref="UploadProfileOptions.KeyPrefix"/>).</summary>
/// <remarks>
/// Implementations must be thread-safe. Whatever they return is checked before signing: the full key must stay under
/// the prefix, have no <c>.</c>, <c>..</c> or empty segments, no control characters, and at most 1024 UTF-8 bytes.
/// The built-in strategies compose: <see cref="OwnerScopedKeyStrategy"/> and <see cref="DatePartitionedKeyStrategy"/>
/// wrap another strategy.
/// </remarks>
public interface IObjectKeyStrategy
{
    /// <summary>Creates the key (relative to the profile's prefix) for one upload.</summary>
    /// <param name="args">What is known about the upload.</param>
    /// <returns>The relative key.</returns>
    /// <exception cref="UploadRejectedException">The arguments cannot produce a key, e.g. an owner-scoped key without an owner.</exception>
    string CreateKey(in ObjectKeyArguments args);
}
