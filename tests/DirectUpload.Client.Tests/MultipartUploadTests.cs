using System.Net;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class MultipartUploadTests
{
    [Fact]
    public async Task UploadAsync_AboveThreshold_SendsEveryPartsExactRangeAndCompletes()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(10_500);
        using var file = TestData.File(data, "movie.mp4");

        var result = await server.CreateClient().UploadAsync("videos", file.Path, "video/mp4", TestData.FastOptions());

        var puts = server.StorageRequests;
        puts.Select(p => p.PartNumber!.Value).Should().BeEquivalentTo(Enumerable.Range(1, 11));
        foreach (var put in puts)
        {
            var number = put.PartNumber!.Value;
            var expected = data.Skip((number - 1) * 1000).Take(1000).ToArray();
            put.Body.Should().Equal(expected, $"part {number} is bytes {(number - 1) * 1000}..");
            put.Headers["Content-Length"].Should().Be(expected.Length.ToString());
            put.Headers.Should().NotContainKey("Authorization");
        }

        server.Objects["uploads/movie.mp4"].Should().Equal(data);
        result.Should().BeEquivalentTo(new UploadResult { Key = "uploads/movie.mp4", Size = 10_500, ContentType = "video/mp4", ETag = "\"multi-11\"" });
    }

    [Fact]
    public async Task UploadAsync_MultipartRequests_MatchTheHttpContract()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var options = TestData.FastOptions();
        options.PartSigningBatchSize = 2;
        options.ComputePartMd5 = false; // batch signing

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(2500)), "clip.mp4", "video/mp4", options);

        var start = server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart").Single().Json;
        start.ToJsonString().Should().Be("{\"fileName\":\"clip.mp4\",\"contentType\":\"video/mp4\",\"size\":2500}");
        var signs = server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/parts");
        signs.Select(s => s.Json.ToJsonString()).Should().Equal(
            "{\"token\":\"" + (string)signs[0].Json["token"]! + "\",\"partNumbers\":[1,2]}",
            "{\"token\":\"" + (string)signs[0].Json["token"]! + "\",\"partNumbers\":[3]}");
        var complete = server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/complete").Single().Json;
        var parts = complete["parts"]!.AsArray();
        parts.Select(p => string.Join(",", p!.AsObject().Select(member => member.Key))).Should().AllBe("partNumber,etag");
        parts.Select(p => ((int)p!["partNumber"]!, (string)p["etag"]!)).Should().Equal(
            Enumerable.Range(1, 3).Select(n => (n, FakeUploadServer.ETagOf(server.StorageRequests.Single(r => r.PartNumber == n).Body))));
    }

    [Fact]
    public async Task UploadAsync_SeekableStream_ReassemblesTheStreamFromItsPosition()
    {
        var server = new FakeUploadServer { PartSize = 700 };
        var data = TestData.Bytes(5000);
        var stream = new MemoryStream(data) { Position = 123 };

        await server.CreateClient().UploadAsync("videos", stream, "s.bin", "application/octet-stream", TestData.FastOptions());

        server.Objects["uploads/s.bin"].Should().Equal(data[123..]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_BuffersPartsInOrderAndReassembles()
    {
        var server = new FakeUploadServer { PartSize = 1000, StorageDelay = TimeSpan.FromMilliseconds(2) };
        var data = TestData.Bytes(7777);
        var options = TestData.FastOptions();
        options.ContentLength = data.Length;
        options.MaxParallelParts = 3;

        await server.CreateClient().UploadAsync("videos", new NonSeekableStream(data), "pipe.bin", "application/octet-stream", options);

        server.Objects["uploads/pipe.bin"].Should().Equal(data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task UploadAsync_MaxParallelParts_BoundsTheRequestsInFlight(int parallel)
    {
        var server = new FakeUploadServer { PartSize = 100, StorageDelay = TimeSpan.FromMilliseconds(15) };
        var options = TestData.FastOptions();
        options.MaxParallelParts = parallel;
        options.PartSigningBatchSize = 4;

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(1200)), "p.bin", "application/octet-stream", options);

        server.MaxInFlight.Should().BeLessThanOrEqualTo(parallel);
        if (parallel > 1)
        {
            server.MaxInFlight.Should().BeGreaterThan(1, "parts overlap when allowed to");
        }
    }

    [Fact]
    public async Task UploadAsync_Part500ThenSuccess_RetriesThatPart()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var failures = 2;
        server.OnStorage = r => r.PartNumber == 2 && Interlocked.Decrement(ref failures) >= 0
            ? FakeUploadServer.S3Error(HttpStatusCode.InternalServerError, "InternalError")
            : null;
        var data = TestData.Bytes(3000);

        await server.CreateClient().UploadAsync("videos", new MemoryStream(data), "r.bin", "application/octet-stream", TestData.FastOptions());

        server.StorageRequests.Count(r => r.PartNumber == 2).Should().Be(3);
        var part2 = data.AsSpan(1000, 1000).ToArray();
        server.StorageRequests.Where(r => r.PartNumber == 2).Should().OnlyContain(r => r.Body.SequenceEqual(part2));
        server.Objects["uploads/r.bin"].Should().Equal(data);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public async Task UploadAsync_PartFailure_RetriesOnlyTransientStatuses(HttpStatusCode status, bool retried)
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var failures = 1;
        server.OnStorage = r => Interlocked.Decrement(ref failures) >= 0 ? FakeUploadServer.S3Error(status, "Injected") : null;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(500)), "r.bin", "application/octet-stream", TestData.FastOptions());

        if (retried)
        {
            await act.Should().NotThrowAsync();
            server.StorageRequests.Should().HaveCount(2);
        }
        else
        {
            (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("storage_error:Injected");
            server.StorageRequests.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task UploadAsync_NetworkErrorOnPart_IsRetried()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var failures = 1;
        server.OnStorage = r => Interlocked.Decrement(ref failures) >= 0 ? throw new HttpRequestException("Connection reset by peer") : null;

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(1500)), "n.bin", "application/octet-stream", TestData.FastOptions());

        server.StorageRequests.Should().HaveCount(3);
        server.Objects.Should().ContainKey("uploads/n.bin");
    }

    [Fact]
    public async Task UploadAsync_PartKeepsFailing_ThrowsAfterMaxRetriesAndDoesNotComplete()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        server.OnStorage = r => r.PartNumber == 1 ? FakeUploadServer.S3Error(HttpStatusCode.InternalServerError, "InternalError", "We encountered an internal error.") : null;
        var options = TestData.FastOptions();
        options.MaxRetries = 2;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(3000)), "f.bin", "application/octet-stream", options);

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("storage_error:InternalError");
        error.IsStorageError.Should().BeTrue();
        error.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        error.Detail.Should().Be("We encountered an internal error.");
        server.StorageRequests.Count(r => r.PartNumber == 1).Should().Be(3);
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/complete").Should().BeEmpty();
        server.HostCalls(HttpMethod.Delete, "/uploads/videos/multipart").Should().BeEmpty("a failed upload stays resumable");
    }

    [Fact]
    public async Task UploadAsync_Part403_SignsThatPartAgainOnceAndSucceeds()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var expired = 1;
        server.OnStorage = r => r.PartNumber == 2 && Interlocked.Decrement(ref expired) >= 0
            ? FakeUploadServer.S3Error(HttpStatusCode.Forbidden, "AccessDenied", "Request has expired")
            : null;
        var options = TestData.FastOptions();
        options.MaxRetries = 0;
        options.ComputePartMd5 = false; // batch signing

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(3000)), "e.bin", "application/octet-stream", options);

        var signs = server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/parts");
        signs.Should().HaveCount(2);
        signs[1].Json["partNumbers"]!.ToJsonString().Should().Be("[2]");
        var part2 = server.StorageRequests.Where(r => r.PartNumber == 2).ToList();
        part2.Should().HaveCount(2);
        part2[1].QueryValue("X-Amz-Signature").Should().NotBe(part2[0].QueryValue("X-Amz-Signature"));
    }

    [Fact]
    public async Task UploadAsync_Part403Twice_Throws()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        server.OnStorage = r => r.PartNumber == 1 ? FakeUploadServer.S3Error(HttpStatusCode.Forbidden, "AccessDenied") : null;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(1500)), "e.bin", "application/octet-stream", TestData.FastOptions());

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("storage_error:AccessDenied");
        server.StorageRequests.Count(r => r.PartNumber == 1).Should().Be(2);
    }

    [Fact]
    public async Task UploadAsync_Progress_IsMonotonicAcrossRetriesAndReachesTheTotal()
    {
        var server = new FakeUploadServer { PartSize = 1000, StorageDelay = TimeSpan.FromMilliseconds(1) };
        var failures = 3;
        server.OnStorage = r => r.PartNumber is 2 or 5 && Interlocked.Decrement(ref failures) >= 0
            ? FakeUploadServer.S3Error(HttpStatusCode.InternalServerError, "InternalError")
            : null;
        var progress = new RecordingProgress();
        var options = TestData.FastOptions();
        options.Progress = progress;

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(6200)), "p.bin", "application/octet-stream", options);

        var sent = progress.Reports.Select(r => r.BytesSent).ToList();
        sent.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        sent.Should().OnlyContain(b => b <= 6200);
        progress.Reports.Should().OnlyContain(r => r.TotalBytes == 6200);
        progress.Reports[^1].BytesSent.Should().Be(6200);
    }

    [Fact]
    public async Task UploadAsync_OnMultipartStarted_GetsTheSessionBeforeAnyPart()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        MultipartSession? seen = null;
        var storageCallsWhenStarted = -1;
        var options = TestData.FastOptions();
        options.OnMultipartStarted = session =>
        {
            seen = session;
            storageCallsWhenStarted = server.StorageRequests.Count;
            return ValueTask.CompletedTask;
        };

        await server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(2500)), "s.bin", "application/octet-stream", options);

        seen.Should().NotBeNull();
        seen!.Size.Should().Be(2500);
        seen.PartCount.Should().Be(3);
        seen.PartSize.Should().Be(1000);
        seen.Key.Should().Be("uploads/s.bin");
        seen.Token.Should().StartWith("mp-");
        storageCallsWhenStarted.Should().Be(0);
    }

    [Fact]
    public async Task UploadAsync_StoreAnswersWithoutETag_ThrowsUnexpectedResponse()
    {
        var server = new FakeUploadServer { PartSize = 1000, OmitETag = true };
        var options = TestData.FastOptions();
        options.MaxRetries = 0;

        var act = () => server.CreateClient().UploadAsync("videos", new MemoryStream(TestData.Bytes(500)), "x.bin", "application/octet-stream", options);

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.UnexpectedResponse);
    }
}
