namespace DirectUpload;

/// <summary>How a client sends the bytes of an upload to the store.</summary>
public enum UploadMethod
{
    /// <summary>
    /// A presigned <c>PUT</c> URL. The client sends the raw bytes as the request body, with exactly the headers
    /// in <see cref="UploadGrant.Headers"/>. Size, type and integrity are bound into the signature.
    /// </summary>
    Put = 0,

    /// <summary>
    /// A presigned <c>POST</c> policy. The client sends a <c>multipart/form-data</c> form with the fields in
    /// <see cref="UploadGrant.Fields"/>, the file last. The store checks every condition of the policy.
    /// </summary>
    Post = 1,

    /// <summary>A multipart upload: parts are signed in batches, sent in parallel and completed by the host.</summary>
    Multipart = 2,

    /// <summary>
    /// <see cref="Put"/> below the profile's <see cref="UploadProfileOptions.MultipartThresholdBytes"/>,
    /// <see cref="Multipart"/> from it on.
    /// </summary>
    Auto = 3,
}
