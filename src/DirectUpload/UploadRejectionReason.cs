namespace DirectUpload;

/// <summary>Why an upload request, token or confirmation was refused. Values are stable.</summary>
public enum UploadRejectionReason
{
    /// <summary>The profile is not configured.</summary>
    UnknownProfile = 1,

    /// <summary>The file name is empty, too long, or contains control characters.</summary>
    InvalidFileName = 2,

    /// <summary>The content type is not a well-formed <c>type/subtype</c> media type.</summary>
    InvalidContentType = 3,

    /// <summary>The content type is well-formed but the profile does not allow it.</summary>
    ContentTypeNotAllowed = 4,

    /// <summary>The declared size is zero or negative.</summary>
    InvalidSize = 5,

    /// <summary>The declared size is below the profile's minimum.</summary>
    TooSmall = 6,

    /// <summary>The declared size is above the profile's maximum (or the method's limit).</summary>
    TooLarge = 7,

    /// <summary>The Content-MD5 value is not the base64 form of 16 bytes.</summary>
    InvalidContentMd5 = 8,

    /// <summary>The profile requires a Content-MD5 and none was given.</summary>
    ContentMd5Required = 9,

    /// <summary>The profile is owner-scoped and no owner id was given.</summary>
    OwnerRequired = 10,

    /// <summary>The owner id is malformed (too long or control characters).</summary>
    InvalidOwner = 11,

    /// <summary>The object key built for the request failed the key checks (prefix, segments, characters, length).</summary>
    InvalidKey = 12,

    /// <summary>Client metadata names a key the profile does not allow, or a value is malformed.</summary>
    MetadataNotAllowed = 13,

    /// <summary>The token is malformed, tampered with, or was issued for something else.</summary>
    InvalidToken = 14,

    /// <summary>The token or grant has expired.</summary>
    Expired = 15,

    /// <summary>The profile does not support the requested upload method.</summary>
    MethodNotAllowed = 16,

    /// <summary>A multipart part number is outside 1..partCount.</summary>
    InvalidPartNumber = 17,

    /// <summary>The uploaded object (or multipart upload) does not exist.</summary>
    ObjectNotFound = 18,

    /// <summary>The uploaded object's size differs from the declared size or lies outside the profile.</summary>
    SizeMismatch = 19,

    /// <summary>The uploaded object's content type differs from the granted one.</summary>
    ContentTypeMismatch = 20,

    /// <summary>The caller may not use this profile or object.</summary>
    Forbidden = 21,

    /// <summary>The list of parts given to complete a multipart upload is malformed.</summary>
    InvalidParts = 22,

    /// <summary>The uploaded object's content does not match the Content-MD5 it was granted for.</summary>
    ChecksumMismatch = 23,

    /// <summary>
    /// The stored object carries metadata or headers its grant did not give it (extra or missing <c>x-amz-meta-*</c>,
    /// <c>Content-Encoding</c>, <c>Content-Disposition</c>, <c>Cache-Control</c>, <c>Content-Language</c>, encryption, storage class, tags).
    /// </summary>
    MetadataMismatch = 24,

    /// <summary>An object already exists under the key, and the profile's grants may only create it (<see cref="UploadProfileOptions.PreventOverwrite"/>).</summary>
    ObjectExists = 25,

    /// <summary>Another instance (or the store's event) is completing this upload right now; try again shortly.</summary>
    CompletionInProgress = 26,
}
