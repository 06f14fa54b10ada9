namespace DirectUpload;

/// <summary>
/// A random time-ordered id, a dash, then the sanitized original file name (see <see cref="ObjectKeys.SanitizeFileName"/>),
/// e.g. <c>01jd3c4k7q9v2m5x8z0b1c2d3e-holiday-photo.jpg</c>. The id keeps keys unique; the name keeps them readable.
/// </summary>
public sealed class RandomFileNameKeyStrategy : IObjectKeyStrategy
{
    /// <summary>Gets the shared instance.</summary>
    public static RandomFileNameKeyStrategy Instance { get; } = new();

    /// <inheritdoc />
    public string CreateKey(in ObjectKeyArguments args) =>
        string.Concat(ObjectKeys.NewId(args.Timestamp), "-", ObjectKeys.SanitizeFileName(args.FileName));
}
