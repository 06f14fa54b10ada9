namespace DirectUpload.Client;

/// <summary>The <see cref="DirectUploadClientException.Code"/> values the client itself produces or acts on.</summary>
/// <remarks>
/// Every other code comes from the host's problem details (e.g. <c>too_large</c>, <c>invalid_token</c>, <c>expired</c>, or
/// <c>storage_error</c> without a suffix when the host's own call to the store failed, HTTP 502).
/// </remarks>
public static class DirectUploadErrorCodes
{
    /// <summary>The host's code for a profile that does not allow the requested method; the client then tries the other path.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>
    /// The prefix of the codes of errors from the store, followed by the S3 error code of its XML answer
    /// (e.g. <c>storage_error:AccessDenied</c>), or by the HTTP status name when the answer has none.
    /// </summary>
    public const string StorageErrorPrefix = "storage_error:";

    /// <summary>
    /// The store acknowledged no byte of a request (and did not answer it) for <see cref="UploadOptions.StallTimeout"/>,
    /// on every attempt: it hangs, e.g. Ceph RGW whose disk is full blocks writes instead of refusing them. No HTTP status.
    /// A multipart upload stays resumable.
    /// </summary>
    public const string StorageStalled = "storage_stalled";

    /// <summary>
    /// The store asked the client to slow down, on every attempt: <c>503 SlowDown</c> (AWS S3, and Ceph RGW's rate limits),
    /// another <c>503</c>, or <c>429</c>. The S3 error code is in <see cref="DirectUploadClientException.Detail"/>.
    /// A multipart upload stays resumable.
    /// </summary>
    public const string StorageThrottled = "storage_throttled";

    /// <summary>
    /// The store refused the request for lack of space: <c>403 QuotaExceeded</c> (Ceph RGW's user or bucket quota),
    /// <c>507 Insufficient Storage</c>, or <c>InsufficientCapacity</c>. Not retried: space must be freed first.
    /// </summary>
    public const string StorageFull = "storage_full";

    /// <summary>
    /// A resumed upload turned out to be completed already (its completion's answer was lost), but the stored object's
    /// multipart ETag does not match the parts of the content being resumed: it is not this content.
    /// </summary>
    public const string ContentMismatch = "content_mismatch";

    /// <summary>An answer the client cannot use: an error without problem details, or a success it cannot read.</summary>
    public const string UnexpectedResponse = "unexpected_response";
}
