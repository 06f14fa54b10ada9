namespace DirectUpload.Client.Internal;

/// <summary>How a multipart upload is cut: <see cref="PartCount"/> parts of <see cref="PartSize"/> bytes, the last one smaller.</summary>
internal readonly record struct MultipartLayout(long TotalSize, long PartSize, int PartCount)
{
    /// <summary>The session's layout applied to content of <paramref name="length"/> bytes; <paramref name="problem"/> says why it does not fit.</summary>
    public static bool TryCreate(MultipartSession session, long length, out MultipartLayout layout, out string? problem)
    {
        layout = default;
        var expectedCount = session.PartSize < 1 ? 0 : Math.Max(1, (length + session.PartSize - 1) / session.PartSize);
        problem = session.PartSize < 1 || session.PartCount < 1
            ? "The session has no parts."
            : session.Size != 0 && session.Size != length
            ? $"The session is for {session.Size} bytes; the content has {length}."
            : expectedCount != session.PartCount
            ? $"The content's {length} bytes make {expectedCount} parts of {session.PartSize} bytes; the session has {session.PartCount}."
            : null;
        if (problem is null)
        {
            layout = new MultipartLayout(length, session.PartSize, session.PartCount);
        }

        return problem is null;
    }

    /// <summary>The offset of a part (1-based) in the content.</summary>
    public long OffsetOf(int partNumber) => (partNumber - 1) * PartSize;

    /// <summary>The exact size of a part (1-based).</summary>
    public long SizeOf(int partNumber) => partNumber < PartCount ? PartSize : TotalSize - OffsetOf(PartCount);
}
