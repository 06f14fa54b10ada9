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

        partSize = Math.Min(partSize, UploadProfileOptions.MaxPartSizeBytes);
        var count = (int)((totalSize + partSize - 1) / partSize);
        return new MultipartLayout(totalSize, partSize, Math.Max(count, 1));
    }

    /// <summary>The exact size of a part (1-based).</summary>
    public long SizeOf(int partNumber) =>
        partNumber < PartCount ? PartSize : TotalSize - ((long)(PartCount - 1) * PartSize);
}
