using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Client;
using DirectUpload.IntegrationTests.Infrastructure;

namespace DirectUpload.IntegrationTests.DotnetClient;

/// <summary>
/// The .NET client (<c>DirectUpload.Client</c>) against the real thing: a Kestrel host with <c>MapDirectUploads</c> on
/// loopback and the run's Ceph RGW. The cases of the client's fake-server tests that matter end to end: PUT, POST and
/// multipart uploads land byte-exact and confirm with the stored object's facts, refusals arrive as the host's stable
/// code with nothing stored, an interrupted multipart upload resumes with only the missing parts, and a cancelled one
/// stops without completing and can be aborted.
/// </summary>
[Collection(RealS3.Name)]
public sealed class DirectUploadClientTests(S3Fixture s3) : IAsyncLifetime
{
    private const long MultipartSize = (2 * UploadApiHost.PartSize) + 12345; // 3 parts, the last one short

    private readonly StorageRequests _storageRequests = new();
    private UploadApiHost _host = null!;
    private HttpClient _api = null!;
    private HttpClient _storage = null!;
    private DirectUploadClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await UploadApiHost.StartAsync(s3, s3.NewPrefix("dotnet-client"));
        _api = new HttpClient { BaseAddress = _host.Address, Timeout = TimeSpan.FromSeconds(60) };
        _storage = new HttpClient(_storageRequests) { Timeout = Timeout.InfiniteTimeSpan };
        _client = new DirectUploadClient(_api, _storage, new DirectUploadClientOptions { BasePath = "/uploads" });
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        _storage.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData(UploadApiHost.PutProfile, "PUT")]
    [InlineData(UploadApiHost.PostProfile, "POST")]
    public async Task UploadAsync_SingleRequestProfile_StoresTheBytesExactlyAndConfirmsTheStoredObject(string profile, string method)
    {
        var body = RandomNumberGenerator.GetBytes(300_000);

        var result = await _client.UploadAsync(profile, new MemoryStream(body), "report 2026.txt", "text/plain");

        result.Key.Should().StartWith(_host.Prefix).And.EndWith(".txt");
        result.Size.Should().Be(body.Length);
        result.ContentType.Should().Be("text/plain");
        var stored = await s3.ShouldHoldAsync(result.Key, body, "text/plain");
        result.ETag.Should().NotBeNull();
        result.ETag!.Trim('"').Should().Be(stored.ETag.Trim('"'), "the confirmation reports the stored object's ETag");
        _storageRequests.Count.Should().Be(1, $"one {method} to the store, no retry");
    }

    [Fact]
    public async Task RequestGrantAsync_PutAndPostProfiles_ReturnGrantsOfTheProfilesMethodAndStoreNothing()
    {
        var request = new DirectUpload.Client.UploadRequest { FileName = "a.txt", ContentType = "text/plain", Size = 10 };

        var put = await _client.RequestGrantAsync(UploadApiHost.PutProfile, request);
        var post = await _client.RequestGrantAsync(UploadApiHost.PostProfile, request);

        put.Method.Should().Be("PUT");
        put.Fields.Should().BeEmpty();
        post.Method.Should().Be("POST");
        post.Fields.Should().ContainKey("policy");
        put.Key.Should().StartWith(_host.Prefix + "put/");
        post.Key.Should().StartWith(_host.Prefix + "post/");
        (await s3.ListKeysAsync(_host.Prefix)).Should().BeEmpty("a grant stores nothing");
    }

    [Fact]
    public async Task UploadAsync_MultipartProfile_StoresEveryPartByteExactAndReportsProgressToTheTotal()
    {
        var body = RandomNumberGenerator.GetBytes((int)MultipartSize);
        var progress = new RecordingProgress();
        MultipartSession? session = null;
        var options = MultipartOptions();
        options.Progress = progress;
        options.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        };

        var result = await _client.UploadAsync(UploadApiHost.MultipartProfile, new MemoryStream(body), "big.pdf", "application/pdf", options);

        session.Should().NotBeNull();
        session!.PartCount.Should().Be(3);
        session.PartSize.Should().Be(UploadApiHost.PartSize);
        result.Key.Should().Be(session.Key).And.StartWith(_host.Prefix + "multipart/");
        result.Size.Should().Be(MultipartSize);
        result.ContentType.Should().Be("application/pdf");
        var stored = await s3.ShouldHoldAsync(result.Key, body, "application/pdf");
        result.ETag.Should().NotBeNull();
        result.ETag!.Trim('"').Should().Be(stored.ETag.Trim('"')).And.EndWith("-3", "a multipart ETag names its part count");
        _storageRequests.Count.Should().Be(3, "one request per part, no retry");
        var sent = progress.Reports.Select(r => r.BytesSent).ToList();
        sent.Should().NotBeEmpty().And.BeInAscendingOrder();
        sent[^1].Should().Be(MultipartSize);
    }

    [Fact]
    public async Task UploadAsync_AboveTheClientThresholdOnAPutProfile_FallsBackToOnePut()
    {
        var body = RandomNumberGenerator.GetBytes((int)UploadApiHost.PartSize + 1000);

        // the client asks for multipart, the host answers method_not_allowed, the client takes the single path
        var result = await _client.UploadAsync(UploadApiHost.PutProfile, new MemoryStream(body), "big.pdf", "application/pdf", MultipartOptions());

        result.Key.Should().StartWith(_host.Prefix + "put/");
        await s3.ShouldHoldAsync(result.Key, body, "application/pdf");
        _storageRequests.Count.Should().Be(1, "one PUT");
    }

    [Fact]
    public async Task UploadAsync_BelowTheClientThresholdOnAMultipartProfile_FallsBackToMultipart()
    {
        var body = RandomNumberGenerator.GetBytes(1000);

        // the client asks for a single grant, the host answers method_not_allowed, the client uploads one part
        var result = await _client.UploadAsync(UploadApiHost.MultipartProfile, new MemoryStream(body), "small.txt", "text/plain");

        result.Key.Should().StartWith(_host.Prefix + "multipart/");
        result.Size.Should().Be(body.Length);
        var stored = await s3.ShouldHoldAsync(result.Key, body, "text/plain");
        stored.ETag.Trim('"').Should().EndWith("-1", "it was stored by a multipart upload of one part");
        _storageRequests.Count.Should().Be(1, "one part");
    }

    [Fact]
    public async Task UploadAsync_TypeTheProfileDoesNotAllow_ThrowsContentTypeNotAllowedAndStoresNothing()
    {
        var act = () => _client.UploadAsync(UploadApiHost.PutProfile, new MemoryStream(new byte[100]), "x.html", "text/html");

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("content_type_not_allowed");
        error.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        error.IsStorageError.Should().BeFalse();
        await ShouldHaveStoredNothingAsync();
    }

    [Theory]
    [InlineData(UploadApiHost.PutProfile)]
    [InlineData(UploadApiHost.MultipartProfile)]
    public async Task UploadAsync_LargerThanTheProfileAllows_ThrowsTooLargeAndStoresNothing(string profile)
    {
        var options = profile == UploadApiHost.MultipartProfile ? MultipartOptions() : new UploadOptions();
        options.ContentLength = UploadApiHost.MaxSizeBytes + 1;

        // a stream that claims one byte more than allowed: the host refuses before a byte is read
        var act = () => _client.UploadAsync(profile, new UnreadableStream(UploadApiHost.MaxSizeBytes + 1), "big.pdf", "application/pdf", options);

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("too_large");
        error.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        await ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task ResumeMultipartAsync_AfterTheNetworkFailedMidUpload_SendsOnlyTheMissingPartsAndStoresTheBytesExactly()
    {
        var body = RandomNumberGenerator.GetBytes((int)MultipartSize);
        MultipartSession? session = null;
        var options = MultipartOptions();
        options.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        };
        _storageRequests.FailFrom = 2; // part 1 lands, then the network is gone

        var interrupted = () => _client.UploadAsync(UploadApiHost.MultipartProfile, new MemoryStream(body), "big.pdf", "application/pdf", options);

        await interrupted.Should().ThrowAsync<HttpRequestException>();
        session.Should().NotBeNull();
        (await StoredPartNumbersAsync(session!)).Should().Equal(1);
        await s3.ShouldNotExistAsync(session!.Key);

        // the app restarts: the session comes back from where it was persisted, the network is back
        var restored = MultipartSession.FromJson(session.ToJson());
        _storageRequests.FailFrom = 0;
        var before = _storageRequests.Count;

        var result = await _client.ResumeMultipartAsync(UploadApiHost.MultipartProfile, restored, new MemoryStream(body), MultipartOptions());

        (_storageRequests.Count - before).Should().Be(2, "parts 2 and 3 were missing; part 1 is not sent again");
        result.Key.Should().Be(session.Key);
        result.Size.Should().Be(MultipartSize);
        await s3.ShouldHoldAsync(result.Key, body, "application/pdf");
    }

    [Fact]
    public async Task UploadAsync_CancelledMidMultipart_StopsWithoutCompletingAndTheUploadCanBeAborted()
    {
        var body = RandomNumberGenerator.GetBytes((int)MultipartSize);
        using var cancel = new CancellationTokenSource();
        MultipartSession? session = null;
        var options = MultipartOptions();
        options.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        };
        _storageRequests.OnRequest = 2;
        _storageRequests.Before = cancel.Cancel; // the user presses Cancel as part 2 starts

        var act = () => _client.UploadAsync(UploadApiHost.MultipartProfile, new MemoryStream(body), "big.pdf", "application/pdf", options, cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        session.Should().NotBeNull();
        _storageRequests.Count.Should().Be(2, "no part is started after the cancellation");
        await s3.ShouldNotExistAsync(session!.Key);
        (await StoredPartNumbersAsync(session)).Should().Equal([1], "cancelling does not abort: the upload stays resumable");

        await _client.AbortMultipartAsync(UploadApiHost.MultipartProfile, session.Token);

        var list = () => s3.S3.ListPartsAsync(new ListPartsRequest { BucketName = s3.Bucket, Key = session.Key, UploadId = session.UploadId });
        // AWS answers NoSuchUpload for an aborted upload id; Ceph RGW 16.2 answers NoSuchKey
        (await list.Should().ThrowAsync<AmazonS3Exception>()).Which.ErrorCode.Should().BeOneOf("NoSuchUpload", "NoSuchKey");
        await ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task ConfirmAsync_GrantNeverUsed_ThrowsObjectNotFoundAndStoresNothing()
    {
        var grant = await _client.RequestGrantAsync(
            UploadApiHost.PutProfile, new DirectUpload.Client.UploadRequest { FileName = "a.txt", ContentType = "text/plain", Size = 10 });

        var act = () => _client.ConfirmAsync(UploadApiHost.PutProfile, grant.Token);

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("object_not_found");
        error.IsStorageError.Should().BeFalse();
        await ShouldHaveStoredNothingAsync();
    }

    private static UploadOptions MultipartOptions() => new()
    {
        MultipartThresholdBytes = UploadApiHost.PartSize,
        MaxParallelParts = 1,
        MaxRetries = 0,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    private async Task<List<int>> StoredPartNumbersAsync(MultipartSession session)
    {
        var parts = await s3.S3.ListPartsAsync(new ListPartsRequest { BucketName = s3.Bucket, Key = session.Key, UploadId = session.UploadId });
        return parts.Parts?.Select(p => p.PartNumber ?? 0).Order().ToList() ?? [];
    }

    private async Task ShouldHaveStoredNothingAsync() =>
        (await s3.ListKeysAsync(_host.Prefix)).Should().BeEmpty("a refused upload stores nothing");

    /// <summary>A non-seekable stream of a declared length that fails if read: the refusal must come before any byte.</summary>
    private sealed class UnreadableStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("read before the host granted the upload");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
