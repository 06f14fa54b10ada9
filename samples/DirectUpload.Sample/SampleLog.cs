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
}
