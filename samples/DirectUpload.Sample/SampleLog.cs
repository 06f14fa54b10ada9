namespace DirectUpload.Sample;

/// <summary>The sample's log messages (source-generated, so nothing is formatted when the level is off).</summary>
internal static partial class SampleLog
{
    [LoggerMessage(1, LogLevel.Information, "S3: {S3}")]
    public static partial void S3Store(ILogger logger, string s3);

    [LoggerMessage(2, LogLevel.Information, "Catalog: SQLite {DataSource}")]
    public static partial void Catalog(ILogger logger, string dataSource);

    [LoggerMessage(3, LogLevel.Information, "Catalogued a {Profile} upload of {Size} bytes ({ContentType})")]
    public static partial void Catalogued(ILogger logger, string profile, long size, string contentType);

    [LoggerMessage(4, LogLevel.Warning, "DirectUpload:TokenSigningKey is not set: using a random key generated for this process (Development only). " +
        "Tokens die with the process: after a restart, pending confirmations and multipart uploads are refused. Set the key to keep them.")]
    public static partial void GeneratedTokenKey(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Thumbnail written by {MadeBy}: {Width}x{Height} image, {Bytes}-byte JPEG")]
    public static partial void ThumbnailWritten(ILogger logger, string madeBy, int width, int height, int bytes);

    [LoggerMessage(5, LogLevel.Warning, "A {Profile} upload is not a decodable image; no thumbnail")]
    public static partial void NotAnImage(ILogger logger, string profile);

    [LoggerMessage(6, LogLevel.Information, "Store events: POST {Path} (the bucket notification must push here)")]
    public static partial void EventsEnabled(ILogger logger, string path);

    [LoggerMessage(7, LogLevel.Information, "Store events: off (Sample:EventsSecret is not set); no thumbnails")]
    public static partial void EventsDisabled(ILogger logger);
}
