namespace DirectUpload;

/// <summary>Asks for presigned URLs for some parts of a multipart upload.</summary>
public sealed class MultipartPartsRequest : UploadTokenRequest
{
    /// <summary>Gets the part numbers to sign (1-based, distinct, at most <see cref="UploadProfileOptions.MaxPartUrlsPerRequest"/> per call, 100 by default).</summary>
    public required IReadOnlyList<int> PartNumbers { get; init; }

    /// <summary>Gets optional base64 Content-MD5 values by part number; each is signed into its part's URL.</summary>
    public IReadOnlyDictionary<int, string>? ContentMd5 { get; init; }
}
