namespace DirectUpload;

/// <summary>Maps <see cref="UploadRejectionReason"/> values to their stable snake_case codes.</summary>
public static class UploadRejectionCodes
{
    /// <summary>Gets the stable code of a reason, e.g. <c>too_large</c> for <see cref="UploadRejectionReason.TooLarge"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The code; <c>rejected</c> for an undefined value.</returns>
    public static string ToCode(UploadRejectionReason reason) => reason switch
    {
        UploadRejectionReason.UnknownProfile => "unknown_profile",
        UploadRejectionReason.InvalidFileName => "invalid_file_name",
        UploadRejectionReason.InvalidContentType => "invalid_content_type",
        UploadRejectionReason.ContentTypeNotAllowed => "content_type_not_allowed",
        UploadRejectionReason.InvalidSize => "invalid_size",
        UploadRejectionReason.TooSmall => "too_small",
        UploadRejectionReason.TooLarge => "too_large",
        UploadRejectionReason.InvalidContentMd5 => "invalid_content_md5",
        UploadRejectionReason.ContentMd5Required => "content_md5_required",
        UploadRejectionReason.OwnerRequired => "owner_required",
        UploadRejectionReason.InvalidOwner => "invalid_owner",
        UploadRejectionReason.InvalidKey => "invalid_key",
        UploadRejectionReason.MetadataNotAllowed => "metadata_not_allowed",
        UploadRejectionReason.InvalidToken => "invalid_token",
        UploadRejectionReason.Expired => "expired",
        UploadRejectionReason.MethodNotAllowed => "method_not_allowed",
        UploadRejectionReason.InvalidPartNumber => "invalid_part_number",
        UploadRejectionReason.ObjectNotFound => "object_not_found",
        UploadRejectionReason.SizeMismatch => "size_mismatch",
        UploadRejectionReason.ContentTypeMismatch => "content_type_mismatch",
        UploadRejectionReason.Forbidden => "forbidden",
        UploadRejectionReason.InvalidParts => "invalid_parts",
        UploadRejectionReason.ChecksumMismatch => "checksum_mismatch",
        UploadRejectionReason.MetadataMismatch => "metadata_mismatch",
        UploadRejectionReason.ObjectExists => "object_exists",
        UploadRejectionReason.CompletionInProgress => "completion_in_progress",
        _ => "rejected",
    };
}
