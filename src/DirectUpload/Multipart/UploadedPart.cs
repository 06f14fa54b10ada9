namespace DirectUpload;

/// <summary>A part the store has received.</summary>
public sealed class UploadedPart
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the part's size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the part's ETag, as the store returned it (with quotes).</summary>
    public required string ETag { get; init; }
}
