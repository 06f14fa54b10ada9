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

    /// <summary>An answer the client cannot use: an error without problem details, or a success it cannot read.</summary>
    public const string UnexpectedResponse = "unexpected_response";
}
