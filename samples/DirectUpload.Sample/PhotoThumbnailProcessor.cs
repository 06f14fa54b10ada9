using Amazon.S3;
using Amazon.S3.Model;
using SkiaSharp;

namespace DirectUpload.Sample;

/// <summary>
/// The album's processing hook: for each confirmed photo, reads the image from S3, records its width and height, writes a
/// JPEG thumbnail (at most <see cref="MaxEdge"/> pixels on its longer edge) under a derived key, and stores both in the
/// catalog. Run by DirectUpload's event pipeline (the store's event, not the browser), so a photo whose tab was closed
/// right after the PUT is still processed. Idempotent: the thumbnail key is a function of the photo's key, and the row
/// update sets the same values again. Used by the web host and by the worker host alike (one class, no host specifics);
/// each thumbnail says which process made it (<see cref="MadeByMetadata"/>, <see cref="SampleWorker.InstanceName"/>).
/// </summary>
public sealed class PhotoThumbnailProcessor : IUploadProcessor
{
    /// <summary>The longer edge of a thumbnail, in pixels.</summary>
    public const int MaxEdge = 320;

    /// <summary>Where thumbnails go: outside every upload profile's prefix, so no grant can ever write there.</summary>
    public const string ThumbnailPrefix = "thumbnails/";

    /// <summary>The user metadata name (<c>x-amz-meta-made-by</c>) holding the name of the process that made a thumbnail.</summary>
    public const string MadeByMetadata = "made-by";

    private const long MaxSourceBytes = 10 * 1024 * 1024;
    private readonly IAmazonS3 _s3;
    private readonly UploadCatalog _catalog;
    private readonly ILogger<PhotoThumbnailProcessor> _logger;
    private readonly string _madeBy;

    public PhotoThumbnailProcessor(IAmazonS3 s3, UploadCatalog catalog, IConfiguration configuration, ILogger<PhotoThumbnailProcessor> logger)
    {
        _s3 = s3;
        _catalog = catalog;
        _logger = logger;
        _madeBy = SampleWorker.InstanceName(configuration);
    }

    /// <summary>The thumbnail key of a photo: <c>thumbnails/{photo key}.jpg</c>.</summary>
    public static string ThumbnailKeyOf(string key) => string.Concat(ThumbnailPrefix, key, ".jpg");

    public async ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        var upload = context.Upload;
        if (!string.Equals(upload.Profile, "photos", StringComparison.OrdinalIgnoreCase) || upload.Size > MaxSourceBytes)
        {
            return;
        }

        byte[] source;
        using (var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = context.Bucket, Key = upload.Key, EtagToMatch = upload.ETag }, cancellationToken))
        {
            using var buffer = new MemoryStream((int)upload.Size);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            source = buffer.ToArray();
        }

        var (thumbnail, width, height) = CreateThumbnail(source);
        if (thumbnail is null)
        {
            SampleLog.NotAnImage(_logger, upload.Profile);
            return; // not decodable: nothing to make, and retrying will not help
        }

        var thumbnailKey = ThumbnailKeyOf(upload.Key);
        var put = new PutObjectRequest
        {
            BucketName = context.Bucket,
            Key = thumbnailKey,
            InputStream = new MemoryStream(thumbnail),
            ContentType = "image/jpeg",
            UseChunkEncoding = false,
        };
        put.Metadata.Add(MadeByMetadata, _madeBy);
        await _s3.PutObjectAsync(put, cancellationToken);
        await _catalog.SetImageFactsAsync(upload.Key, width, height, thumbnailKey, cancellationToken);
        SampleLog.ThumbnailWritten(_logger, _madeBy, width, height, thumbnail.Length);
    }

    /// <summary>Decodes an image (JPEG, PNG, GIF, WebP) and encodes a JPEG thumbnail; null when it is not an image.</summary>
    public static (byte[]? Jpeg, int Width, int Height) CreateThumbnail(byte[] source)
    {
        using var original = SKBitmap.Decode(source);
        if (original is null || original.Width <= 0 || original.Height <= 0)
        {
            return (null, 0, 0);
        }

        var scale = Math.Min(1.0, (double)MaxEdge / Math.Max(original.Width, original.Height));
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(original.Width * scale)), Math.Max(1, (int)Math.Round(original.Height * scale)));
        using var resized = original.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var image = SKImage.FromBitmap(resized ?? original);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 82);
        return (jpeg.ToArray(), original.Width, original.Height);
    }
}
