using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace DirectUpload.Client.Internal;

/// <summary>
/// The bytes to upload: a file (read with <see cref="RandomAccess"/>, parts in parallel), a seekable stream (reads
/// serialized, each at its own position) or a non-seekable stream (read once, in order; parts buffered one by one).
/// </summary>
internal abstract class UploadSource : IDisposable
{
    private const int HashChunkBytes = 1024 * 1024;

    protected UploadSource(long length) => Length = length;

    /// <summary>Gets the number of bytes to upload.</summary>
    public long Length { get; }

    /// <summary>Gets a value indicating whether any range can be read again (so failed requests can be retried).</summary>
    public abstract bool CanReread { get; }

    public static UploadSource FromFile(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            return new FileSource(handle, RandomAccess.GetLength(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a stream from its current position; <paramref name="declaredLength"/> is required when it cannot seek.</summary>
    public static UploadSource FromStream(Stream content, long? declaredLength, string paramName)
    {
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", paramName);
        }

        if (!content.CanSeek)
        {
            return declaredLength is { } length and >= 0
                ? new SequentialStreamSource(content, length)
                : throw new ArgumentException("A stream that cannot seek needs its length in UploadOptions.ContentLength.", paramName);
        }

        var remaining = Math.Max(0, content.Length - content.Position);
        if (declaredLength is { } declared && declared != remaining)
        {
            throw new ArgumentException($"The stream has {remaining} bytes left; UploadOptions.ContentLength says {declared}.", paramName);
        }

        return new SeekableStreamSource(content, remaining);
    }

    /// <summary>Reads from <paramref name="position"/> (relative to the start of the content).</summary>
    public abstract ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Gets the body of one part. Parts of a non-seekable stream must be asked for in increasing order; they are read
    /// into memory, so they can be retried.
    /// </summary>
    public virtual ValueTask<PartBody> GetPartAsync(long offset, long length, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PartBody(this, offset, length));

    /// <summary>Computes the base64 MD5 of the whole content (the <c>Content-MD5</c> value).</summary>
    public Task<string> ComputeMd5Async(CancellationToken cancellationToken) => ComputeMd5Async(ReadAtAsync, Length, cancellationToken);

    /// <summary>Computes the base64 MD5 of <paramref name="length"/> bytes read with <paramref name="readAt"/>.</summary>
    internal static async Task<string> ComputeMd5Async(
        Func<long, Memory<byte>, CancellationToken, ValueTask<int>> readAt, long length, CancellationToken cancellationToken)
    {
#pragma warning disable CA5351 // Content-MD5 is S3's integrity check, not a security primitive.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var buffer = ArrayPool<byte>.Shared.Rent(HashChunkBytes);
        try
        {
            long position = 0;
            while (position < length)
            {
                var want = (int)Math.Min(buffer.Length, length - position);
                var read = await readAt(position, buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EndOfStreamException($"The content ended after {position} of {length} bytes.");
                }

                md5.AppendData(buffer, 0, read);
                position += read;
            }

            return Convert.ToBase64String(md5.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class FileSource(SafeFileHandle handle, long length) : UploadSource(length)
    {
        public override bool CanReread => true;

        public override ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken) =>
            RandomAccess.ReadAsync(handle, buffer, position, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                handle.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class SeekableStreamSource(Stream stream, long length) : UploadSource(length)
    {
        private readonly long _origin = stream.Position;
        private readonly SemaphoreSlim _gate = new(1, 1);

        public override bool CanReread => true;

        public override async ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                stream.Position = _origin + position;
                return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _gate.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class SequentialStreamSource(Stream stream, long length) : UploadSource(length)
    {
        private long _position;

        public override bool CanReread => false;

        public override async ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (position != _position)
            {
                throw new InvalidOperationException("A stream that cannot seek is read once, in order.");
            }

            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override async ValueTask<PartBody> GetPartAsync(long offset, long length, CancellationToken cancellationToken)
        {
            if (length > Array.MaxLength)
            {
                throw new NotSupportedException($"A part of {length} bytes is too large to buffer; upload from a file or a seekable stream.");
            }

            if (offset < _position)
            {
                throw new InvalidOperationException("A stream that cannot seek is read once, in order.");
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                while (_position < offset)
                {
                    // Skip a part the store already has (resume).
                    await FillAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, offset - _position)), cancellationToken).ConfigureAwait(false);
                }

                await FillAsync(buffer.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
                return new PartBody(buffer, (int)length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }

        private async ValueTask FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await ReadAtAsync(_position, buffer[read..], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException($"The content ended after {_position} of {Length} bytes.");
                }

                read += n;
            }
        }
    }
}

/// <summary>The bytes of one request: a range of a source, or a buffer (returned to the pool on dispose).</summary>
internal sealed class PartBody : IDisposable
{
    private readonly UploadSource? _source;
    private readonly long _offset;
    private byte[]? _buffer;

    public PartBody(UploadSource source, long offset, long length)
    {
        _source = source;
        _offset = offset;
        Length = length;
    }

    public PartBody(byte[] rented, int length)
    {
        _buffer = rented;
        Length = length;
    }

    public long Length { get; }

    public bool CanReread => _buffer is not null || _source!.CanReread;

    /// <summary>Computes the base64 MD5 of the body (its <c>Content-MD5</c>); the body can be sent afterwards.</summary>
    public Task<string> ComputeMd5Async(CancellationToken cancellationToken) =>
        _source is { CanReread: false }
            ? throw new InvalidOperationException("A range of a stream read once cannot be hashed before it is sent.")
            : UploadSource.ComputeMd5Async(ReadAsync, Length, cancellationToken);

    public ValueTask<int> ReadAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_source is not null)
        {
            return _source.ReadAtAsync(_offset + position, buffer, cancellationToken);
        }

        var data = _buffer ?? throw new ObjectDisposedException(nameof(PartBody));
        var count = (int)Math.Min(buffer.Length, Length - position);
        data.AsSpan((int)position, count).CopyTo(buffer.Span);
        return ValueTask.FromResult(count);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
