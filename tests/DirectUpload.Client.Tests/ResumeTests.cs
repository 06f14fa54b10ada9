using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class ResumeTests
{
    [Fact]
    public async Task UploadAsync_Cancelled_StopsWithoutAbortingAndResumeSendsOnlyTheMissingParts()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(7500);
        using var file = TestData.File(data, "big.iso");
        using var cts = new CancellationTokenSource();
        string? persisted = null;
        server.OnStorage = r =>
        {
            if (r.PartNumber == 4)
            {
                cts.Cancel();
                throw new OperationCanceledException(cts.Token);
            }

            return null;
        };
        var options = TestData.FastOptions();
        options.MaxParallelParts = 1;
        options.ComputePartMd5 = false; // batch signing
        options.OnMultipartStarted = session =>
        {
            persisted = session.ToJson();
            return ValueTask.CompletedTask;
        };
        var client = server.CreateClient();

        var act = () => client.UploadAsync("videos", file.Path, "application/octet-stream", options, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        server.StorageRequests.Select(r => r.PartNumber).Should().Equal(1, 2, 3, 4);
        server.StoredParts.Should().Equal(1, 2, 3);
        server.HostCalls(HttpMethod.Delete, "/uploads/videos/multipart").Should().BeEmpty();
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/complete").Should().BeEmpty();

        server.OnStorage = null;
        var before = server.StorageRequests.Count;
        var progress = new RecordingProgress();
        var resumeOptions = TestData.FastOptions();
        resumeOptions.Progress = progress;
        resumeOptions.ComputePartMd5 = false; // batch signing

        var result = await client.ResumeMultipartAsync("videos", MultipartSession.FromJson(persisted!), file.Path, resumeOptions);

        server.HostCalls(HttpMethod.Get, "/uploads/videos/multipart/parts").Should().ContainSingle();
        server.StorageRequests.Skip(before).Select(r => r.PartNumber!.Value).Should().BeEquivalentTo([4, 5, 6, 7, 8]);
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart/parts").Skip(1)
            .SelectMany(s => s.Json["partNumbers"]!.AsArray().Select(n => (int)n!)).Should().BeEquivalentTo([4, 5, 6, 7, 8]);
        server.Objects["uploads/big.iso"].Should().Equal(data);
        result.Size.Should().Be(7500);
        progress.Reports[0].Should().Be(new UploadProgress(3000, 7500));
        progress.Reports[^1].Should().Be(new UploadProgress(7500, 7500));
    }

    [Fact]
    public async Task ResumeMultipartAsync_FromASeekableStream_SendsOnlyTheMissingParts()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(4200);
        var client = server.CreateClient();
        var session = await client.StartMultipartAsync("videos", new UploadRequest { FileName = "r.bin", ContentType = "application/octet-stream", Size = data.Length });
        var grants = await client.SignPartsAsync("videos", session.Token, [2, 5]);
        foreach (var grant in grants)
        {
            var offset = (grant.PartNumber - 1) * 1000;
            using var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(data[offset..Math.Min(offset + 1000, data.Length)]) };
            (await new HttpClient(server, disposeHandler: false).SendAsync(put)).EnsureSuccessStatusCode();
        }

        var before = server.StorageRequests.Count;

        await client.ResumeMultipartAsync("videos", session, new MemoryStream(data), TestData.FastOptions());

        server.StorageRequests.Skip(before).Select(r => r.PartNumber!.Value).Should().BeEquivalentTo([1, 3, 4]);
        server.Objects["uploads/r.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task ResumeMultipartAsync_FromANonSeekableStream_SkipsTheStoredParts()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var data = TestData.Bytes(3500);
        var client = server.CreateClient();
        var session = await client.StartMultipartAsync("videos", new UploadRequest { FileName = "n.bin", ContentType = "application/octet-stream", Size = data.Length });
        var grant = (await client.SignPartsAsync("videos", session.Token, [1])).Single();
        using (var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(data[..1000]) })
        {
            (await new HttpClient(server, disposeHandler: false).SendAsync(put)).EnsureSuccessStatusCode();
        }

        var before = server.StorageRequests.Count;

        await client.ResumeMultipartAsync("videos", session, new NonSeekableStream(data), TestData.FastOptions());

        server.StorageRequests.Skip(before).Select(r => r.PartNumber!.Value).Should().BeEquivalentTo([2, 3, 4]);
        server.Objects["uploads/n.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task ResumeMultipartAsync_ContentOfAnotherSize_ThrowsBeforeAnyCall()
    {
        var server = new FakeUploadServer();
        var session = new MultipartSession { UploadId = "u", Key = "k", PartSize = 1000, PartCount = 3, Token = "t", Size = 2500 };

        var act = () => server.CreateClient().ResumeMultipartAsync("videos", session, new MemoryStream(new byte[2400]));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("session");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public void MultipartSession_JsonRoundTrip_KeepsEveryMemberInCamelCase()
    {
        var session = new MultipartSession
        {
            UploadId = "2~abc",
            Key = "videos/é.mp4",
            PartSize = 16 * 1024 * 1024,
            PartCount = 640,
            Token = "tok.en",
            ExpiresAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Size = 10_737_418_240,
        };

        var json = session.ToJson();

        json.Should().Contain("\"uploadId\":").And.Contain("\"partSize\":16777216").And.Contain("\"partCount\":640").And.Contain("\"size\":10737418240");
        MultipartSession.FromJson(json).Should().Be(session);
    }

    [Fact]
    public async Task AbortMultipartAsync_SendsDeleteWithTheToken()
    {
        var server = new FakeUploadServer();
        var client = server.CreateClient();
        var session = await client.StartMultipartAsync("videos", new UploadRequest { FileName = "a.bin", ContentType = "application/octet-stream", Size = 10 });

        await client.AbortMultipartAsync("videos", session.Token);

        var delete = server.HostCalls(HttpMethod.Delete, "/uploads/videos/multipart").Should().ContainSingle().Subject;
        delete.QueryValue("token").Should().Be(session.Token);
        var act = () => client.ListPartsAsync("videos", session.Token);
        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("invalid_token");
    }
}
