namespace DirectUpload;

/// <summary>A part number and the ETag the store returned for it.</summary>
public sealed class PartETag
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the ETag (quotes optional).</summary>
    public required string ETag { get; init; }
}
