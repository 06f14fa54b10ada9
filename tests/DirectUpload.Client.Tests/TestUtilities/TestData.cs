namespace DirectUpload.Client.Tests.TestUtilities;

public static class TestData
{
    /// <summary>Deterministic bytes where every range differs from its neighbours (so a misplaced part shows).</summary>
    public static byte[] Bytes(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A temporary file holding <paramref name="data"/>, deleted on dispose.</summary>
    public static TempFile File(byte[] data, string name = "data.bin") => new(data, name);

    /// <summary>Options that keep tests fast: multipart from 0 bytes or a threshold, and retry delays of a millisecond.</summary>
    public static UploadOptions FastOptions(long threshold = 0) => new()
    {
        MultipartThresholdBytes = threshold,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    };
}

public sealed class TempFile : IDisposable
{
    private readonly string _directory;

    public TempFile(byte[] data, string name)
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "directupload-client-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, name);
        System.IO.File.WriteAllBytes(Path, data);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>A stream that cannot seek (like a network or pipe stream).</summary>
public sealed class NonSeekableStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer[..Math.Min(buffer.Length, 700)], cancellationToken); // short reads, as networks do

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
