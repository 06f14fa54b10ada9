using System.Net;
using System.Security.Cryptography;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

/// <summary>Issue 10: stall timeouts, the store's throttling and full answers, and per-part Content-MD5.</summary>
public class StallAndIntegrityTests
{
    private static UploadOptions Md5Options()
    {
        var options = TestData.FastOptions();
        options.ComputePartMd5 = true;
        return options;
    }

    private static UploadOptions Options(int retries = 4)
    {
        var options = TestData.FastOptions();
        options.StallTimeout = TimeSpan.FromMilliseconds(300);
        options.MaxRetries = retries;
        return options;
    }

    [Fact]
    public async Task UploadAsync_PartStallsOnce_IsAbortedAndRetriedAndTheUploadCompletes()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var stalls = 1;
        server.StallWhen = r => r.PartNumber == 2 && Interlocked.Decrement(ref stalls) >= 0;
        var data = TestData.Bytes(3000);

        var result = await server.CreateClient().UploadAsync("videos", new MemoryStream(data), "s.bin", "application/octet-stream", Options());

        server.StorageRequests.Count(r => r.PartNumber == 2).Should().Be(2, "the stalled attempt was aborted and retried");
        server.Objects["uploads/s.bin"].Should().Equal(data);
        result.Size.Should().Be(3000);
    }

    [Fact]
    public async Task UploadAsync_StoreHangsForGood_FailsWithStorageStalledWithinTheRetriesAndStaysResumable()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var hang = true;
        server.StallWhen = r => Volatile.Read(ref hang) && r.PartNumber == 3;
        var data = TestData.Bytes(4000);
        MultipartSession? session = null;
        var options = Options(retries: 2);
        options.MaxParallelParts = 1;
        options.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        };
        var client = server.CreateClient();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var act = () => client.UploadAsync("videos", new MemoryStream(data), "h.bin", "application/octet-stream", options);

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be(DirectUploadErrorCodes.StorageStalled);
        error.IsStorageError.Should().BeTrue();
        error.StatusCode.Should().BeNull();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "three attempts of 0.3 s each, not forever");
        server.StorageRequests.Count(r => r.PartNumber == 3).Should().Be(3);
        server.HostCalls(HttpMethod.Delete, "/uploads/videos/multipart").Should().BeEmpty("a stalled upload is not aborted");

        Volatile.Write(ref hang, false);
        var result = await client.ResumeMultipartAsync("videos", session!, new MemoryStream(data), Options());

        result.Size.Should().Be(4000);
        server.Objects["uploads/h.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_SingleRequestStalls_FailsWithStorageStalled()
    {
        var server = new FakeUploadServer { StallWhen = _ => true };
        var options = Options(retries: 1);
        options.MultipartThresholdBytes = 1_000_000;

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream(TestData.Bytes(100)), "a.png", "image/png", options);

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.StorageStalled);
        server.StorageRequests.Should().HaveCount(2);
    }

    [Fact]
    public async Task UploadAsync_CallerCancelsWhileStalled_ThrowsOperationCanceledNotStalled()
    {
        var server = new FakeUploadServer { PartSize = 1000, StallWhen = _ => true };
        var options = Options();
        options.StallTimeout = TimeSpan.FromMinutes(5);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(2000)), "c.bin", "application/octet-stream", options, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable")]
    [InlineData(HttpStatusCode.TooManyRequests, "TooManyRequests")]
    public async Task UploadAsync_StoreThrottlesEveryAttempt_RetriesThenFailsWithStorageThrottled(HttpStatusCode status, string s3Code)
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        server.OnStorage = r => r.PartNumber == 1 ? FakeUploadServer.S3Error(status, s3Code, "Please reduce your request rate.") : null;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(2000)), "t.bin", "application/octet-stream", Options(retries: 2));

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be(DirectUploadErrorCodes.StorageThrottled);
        error.StatusCode.Should().Be(status);
        error.Detail.Should().StartWith(s3Code);
        error.IsStorageError.Should().BeTrue();
        server.StorageRequests.Count(r => r.PartNumber == 1).Should().Be(3);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "QuotaExceeded")]
    [InlineData(HttpStatusCode.InsufficientStorage, "InsufficientStorage")]
    public async Task UploadAsync_StoreIsFull_FailsWithStorageFullWithoutRetryOrResigning(HttpStatusCode status, string s3Code)
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        server.OnStorage = r => r.PartNumber == 1 ? FakeUploadServer.S3Error(status, s3Code) : null;
        var options = Options();
        options.MaxParallelParts = 1;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(2000)), "f.bin", "application/octet-stream", options);

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.StorageFull);
        server.StorageRequests.Count(r => r.PartNumber == 1).Should().Be(1);
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/parts").Should().ContainSingle("the part is not signed again");
    }

    [Fact]
    public async Task UploadAsync_ComputePartMd5_SignsEachPartWithTheMd5OfItsBytesAndSendsIt()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(2500);
        using var file = TestData.File(data, "m.bin");

        await server.CreateClient().UploadAsync("videos", file.Path, "application/octet-stream", Md5Options());

        var signs = server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/parts");
        signs.Should().HaveCount(3);
        foreach (var put in server.StorageRequests)
        {
            var expected = Convert.ToBase64String(MD5.HashData(put.Body));
            put.Headers["Content-MD5"].Should().Be(expected);
            signs.Single(s => (int)s.Json["partNumbers"]![0]! == put.PartNumber)
                .Json["contentMd5"]![put.PartNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.GetValue<string>().Should().Be(expected);
        }

        server.Objects["uploads/m.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_ProfileRequiresPartMd5_TurnsPartMd5OnByItself()
    {
        var server = new FakeUploadServer { PartSize = 1000, RequirePartMd5 = true };
        var data = TestData.Bytes(2500);
        var options = TestData.FastOptions();
        options.ComputePartMd5.Should().BeFalse("it is off by default");

        await server.CreateClient().UploadAsync("videos", new MemoryStream(data), "r.bin", "application/octet-stream", options);

        server.StorageRequests.Should().HaveCount(3).And.OnlyContain(r => r.Headers.ContainsKey("Content-MD5"));
        server.Objects["uploads/r.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_HashesTheBufferedPart()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(2100);
        var options = Md5Options();
        options.ContentLength = data.Length;

        await server.CreateClient().UploadAsync("videos", new NonSeekableStream(data), "p.bin", "application/octet-stream", options);

        server.StorageRequests.Should().OnlyContain(r => r.Headers.ContainsKey("Content-MD5"));
        server.Objects["uploads/p.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_PartChangesBetweenHashAndSend_StoreRefusesWithBadDigest()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(2000);
        var stream = new FlippingStream(data, flipAtRead: 2);
        var options = Md5Options();
        options.MaxRetries = 0;
        options.MaxParallelParts = 1;

        var act = () => server.CreateClient().UploadAsync("videos", stream, "x.bin", "application/octet-stream", options);

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("storage_error:BadDigest");
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/complete").Should().BeEmpty();
    }

    [Fact]
    public async Task UploadAsync_HostSignsAnotherMd5_FailsBeforeSending()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var api = new HttpClient(new RewritingHandler(server, body => body.Replace("\"contentMd5\":{\"1\":\"", "\"contentMd5\":{\"1\":\"A", StringComparison.Ordinal)))
        {
            BaseAddress = FakeUploadServer.HostAddress,
        };
        var client = server.CreateClient(api);

        var act = () => client.UploadAsync("videos", new MemoryStream(TestData.Bytes(1500)), "o.bin", "application/octet-stream", Md5Options());

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.UnexpectedResponse);
        server.StorageRequests.Where(r => r.PartNumber == 1).Should().BeEmpty();
    }

    [Fact]
    public async Task ResumeMultipartAsync_CompletionAnswerWasLost_ReportsTheStoredObjectInsteadOfObjectNotFound()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(2500);
        MultipartSession? session = null;
        var lose = true;
        var api = new HttpClient(new LosingHandler(server, r => Volatile.Read(ref lose) && r.RequestUri!.AbsolutePath.EndsWith("/multipart/complete", StringComparison.Ordinal)))
        {
            BaseAddress = FakeUploadServer.HostAddress,
        };
        var client = server.CreateClient(api);
        var options = TestData.FastOptions();
        options.MaxRetries = 0;
        options.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        };

        var act = () => client.UploadAsync("videos", new MemoryStream(data), "l.bin", "application/octet-stream", options);
        await act.Should().ThrowAsync<HttpRequestException>();
        server.Objects.Should().ContainKey("uploads/l.bin", "the completion itself succeeded");
        Volatile.Write(ref lose, false);

        var result = await client.ResumeMultipartAsync("videos", session!, new MemoryStream(data), TestData.FastOptions());

        result.Key.Should().Be("uploads/l.bin");
        result.Size.Should().Be(2500);
    }

    [Fact]
    public async Task Validate_StallTimeoutZero_IsRefused()
    {
        var server = new FakeUploadServer();
        var options = TestData.FastOptions();
        options.StallTimeout = TimeSpan.Zero;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream([1]), "z.bin", "application/octet-stream", options);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    /// <summary>A seekable stream whose bytes change from its <c>flipAtRead</c>-th read on (a disk that changes under the upload).</summary>
    private sealed class FlippingStream(byte[] data, int flipAtRead) : MemoryStream(data.ToArray())
    {
        private int _reads;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            if (++_reads >= flipAtRead && n > 0)
            {
                buffer.Span[0] ^= 0xFF;
            }

            return n;
        }
    }

    /// <summary>Passes host calls to the fake, rewriting the JSON bodies the client sends.</summary>
    private sealed class RewritingHandler(FakeUploadServer server, Func<string, string> rewrite) : DelegatingHandler(server)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content && content.Headers.ContentType?.MediaType == "application/json")
            {
                var text = rewrite(await content.ReadAsStringAsync(cancellationToken));
                request.Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json");
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Lets the fake handle a request, then loses its answer (the connection dropped after the server acted).</summary>
    private sealed class LosingHandler(FakeUploadServer server, Func<HttpRequestMessage, bool> lose) : DelegatingHandler(server)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (lose(request))
            {
                response.Dispose();
                throw new HttpRequestException("The connection was reset before the answer arrived.");
            }

            return response;
        }
    }
}
