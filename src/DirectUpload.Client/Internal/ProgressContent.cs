using System.Buffers;
using System.Net;

namespace DirectUpload.Client.Internal;

/// <summary>
/// The content of one storage request: exactly <see cref="PartBody.Length"/> bytes, with a known Content-Length
/// (S3 refuses chunked uploads), reporting the bytes written so far as it writes them.
/// </summary>
internal sealed class ProgressContent : HttpContent
{
    private const int ChunkBytes = 256 * 1024;

    private readonly PartBody _body;
    private readonly Action<long>? _onWritten;

    public ProgressContent(PartBody body, Action<long>? onWritten)
    {
        _body = body;
        _onWritten = onWritten;
        Headers.ContentLength = body.Length;
    }

    /// <summary>Gets or sets the stall timeout of the request, touched each time a chunk has been written.</summary>
    public StallWatch? Watch { get; set; }

    /// <summary>Gets the failure of reading the content itself (not of the network); such a failure is not retried.</summary>
    public Exception? SourceFailure { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(_body.Length, 1, ChunkBytes));
        try
        {
            long written = 0;
            while (written < _body.Length)
            {
                var want = (int)Math.Min(buffer.Length, _body.Length - written);
                var read = await ReadAsync(written, buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                written += read;
                Watch?.Touch();
                _onWritten?.Invoke(written);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    private async ValueTask<int> ReadAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            var read = await _body.ReadAsync(position, buffer, cancellationToken).ConfigureAwait(false);
            return read > 0 ? read : throw new EndOfStreamException($"The content ended after {position} of {_body.Length} bytes.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SourceFailure = ex;
            throw;
        }
    }
}
