namespace DirectUpload;

/// <summary>
/// A random, time-ordered, URL-safe id (26 lower-case Crockford base32 characters: 48 bits of milliseconds, 80 random bits),
/// followed by the file's lower-cased extension when it has a short alphanumeric one. Example: <c>01jd3c4k7q9v2m5x8z0b1c2d3e.jpg</c>.
/// </summary>
public sealed class RandomKeyStrategy : IObjectKeyStrategy
{
    /// <summary>Gets the shared instance.</summary>
    public static RandomKeyStrategy Instance { get; } = new();

    /// <inheritdoc />
    public string CreateKey(in ObjectKeyArguments args)
    {
        var id = ObjectKeys.NewId(args.Timestamp);
        var extension = ObjectKeys.GetExtension(args.FileName);
        return extension.Length == 0 ? id : string.Concat(id, ".", extension);
    }
}
