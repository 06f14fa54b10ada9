namespace DirectUpload;

/// <summary>Completes a multipart upload.</summary>
public sealed class MultipartCompleteRequest : UploadTokenRequest
{
    /// <summary>Gets every part of the upload with its ETag.</summary>
    public required IReadOnlyList<PartETag> Parts { get; init; }
}
