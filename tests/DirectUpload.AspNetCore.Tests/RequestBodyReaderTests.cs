using System.Text;
using DirectUpload.AspNetCore.Internal;
using FluentAssertions;
using Microsoft.AspNetCore.Http;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// <see cref="UploadEndpoints.ReadAsync{T}"/> on bodies that arrive in many small pieces (the pooled-copy path), which
/// the in-memory test server rarely produces: the same JSON, limits and problem codes as a body read in one piece.
/// </summary>
public sealed class RequestBodyReaderTests
{
    private const string Body = "{\"fileName\":\"Quarterly Report 2024.pdf\",\"contentType\":\"application/pdf\",\"size\":2345678}";

    // larger than one buffer segment of the pipe (4 KiB), so the body is a multi-segment sequence
    private static readonly string LargeBody = "{\"fileName\":\"Quarterly Report 2024.pdf\"," + new string(' ', 20_000) + "\"contentType\":\"application/pdf\",\"size\":2345678}";

    [Fact]
    public async Task ReadAsync_BodyInPieces_ReadsAsOne()
    {
        var body = await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(Body), 64 * 1024, CancellationToken.None);

        body.FileName.Should().Be("Quarterly Report 2024.pdf");
        body.ContentType.Should().Be("application/pdf");
        body.Size.Should().Be(2345678);
    }

    [Fact]
    public async Task ReadAsync_BodyLargerThanABufferSegment_ReadsAsOne()
    {
        var body = await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(LargeBody), 64 * 1024, CancellationToken.None);

        body.FileName.Should().Be("Quarterly Report 2024.pdf");
        body.Size.Should().Be(2345678);
    }

    [Fact]
    public async Task ReadAsync_TrailingContentAfterABodyLargerThanASegment_IsInvalidRequest()
    {
        Func<Task> read = async () => await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(LargeBody + " {}"), 64 * 1024, CancellationToken.None);

        (await read.Should().ThrowAsync<BadRequestBodyException>()).Which.Code.Should().Be("invalid_request");
    }

    [Fact]
    public async Task ReadAsync_BodyLargerThanASegmentOverTheLimit_Is413()
    {
        Func<Task> read = async () => await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(LargeBody), 16 * 1024, CancellationToken.None);

        (await read.Should().ThrowAsync<BadRequestBodyException>()).Which.Code.Should().Be("request_too_large");
    }

    [Fact]
    public async Task ReadAsync_BodyInPiecesOverTheLimit_Is413()
    {
        Func<Task> read = async () => await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(Body), Body.Length - 1, CancellationToken.None);

        (await read.Should().ThrowAsync<BadRequestBodyException>()).Which.Code.Should().Be("request_too_large");
    }

    [Fact]
    public async Task ReadAsync_BodyInPiecesExactlyAtTheLimit_IsRead()
    {
        var body = await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(Body), Body.Length, CancellationToken.None);

        body.Size.Should().Be(2345678);
    }

    [Theory]
    [InlineData(Body + " {}")]
    [InlineData(Body + "x")]
    [InlineData("{\"fileName\":")]
    public async Task ReadAsync_TrailingOrTruncatedContentInPieces_IsInvalidRequest(string json)
    {
        Func<Task> read = async () => await UploadEndpoints.ReadAsync<GrantRequestBody>(Context(json), 64 * 1024, CancellationToken.None);

        (await read.Should().ThrowAsync<BadRequestBodyException>()).Which.Code.Should().Be("invalid_request");
    }

    private static DefaultHttpContext Context(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new TrickleStream(Encoding.UTF8.GetBytes(json), pieceSize: 1500);
        return context;
    }

    /// <summary>A body that hands out a few bytes per read, as a slow client's packets would.</summary>
    private sealed class TrickleStream(byte[] data, int pieceSize) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, pieceSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, pieceSize)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
