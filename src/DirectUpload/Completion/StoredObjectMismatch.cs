namespace DirectUpload.Internal;

/// <summary>Why a stored object does not match its grant: a public reason and a detail for logs only.</summary>
/// <param name="Reason">The stable reason returned to the caller.</param>
/// <param name="Field">What differs (e.g. <c>Content-Encoding</c>), safe to log and to return.</param>
/// <param name="Detail">The stored and granted values, for logs only: never returned to a caller.</param>
internal sealed record StoredObjectMismatch(UploadRejectionReason Reason, string Field, string Detail)
{
    /// <summary>The message returned to the caller: names the field, never the stored object's values.</summary>
    public string PublicMessage => $"The stored object does not match its grant ({Field}).";

    public UploadRejectedException ToException() => new(Reason, PublicMessage);
}
