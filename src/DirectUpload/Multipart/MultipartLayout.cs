namespace DirectUpload.S3.Internal;

/// <summary>How a multipart upload is cut into parts: equal parts of <see cref="PartSize"/>, the last one smaller.</summary>
internal readonly record struct MultipartLayout(long TotalSize, long PartSize, int PartCount)
{
    private const long MiB = 1024 * 1024;

    /// <summary>Picks the part size: the preferred size, raised (to whole MiB) until at most 10,000 parts are needed.</summary>
    public static MultipartLayout For(long totalSize, long preferredPartSize)
    {
        var partSize = Math.Max(preferredPartSize, UploadProfileOptions.MinPartSizeBytes);
        var minimum = (totalSize + UploadProfileOptions.MaxPartCount - 1) / UploadProfileOptions.MaxPartCount;
        if (partSize < minimum)
        {
            partSize = (minimum + MiB - 1) / MiB * MiB;
        }

        return Of(totalSize, Math.Min(partSize, UploadProfileOptions.MaxPartSizeBytes));
    }

    /// <summary>The layout of a total size cut into parts of a known size (e.g. the one a multipart token carries).</summary>
    public static MultipartLayout Of(long totalSize, long partSize) =>
        new(totalSize, partSize, Math.Max((int)((totalSize + partSize - 1) / partSize), 1));

    /// <summary>The exact size of a part (1-based).</summary>
    public long SizeOf(int partNumber) =>
        partNumber < PartCount ? PartSize : TotalSize - ((long)(PartCount - 1) * PartSize);
}
