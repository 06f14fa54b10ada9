using System.Net;
using System.Security.Cryptography;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class SingleUploadTests
{
    private const string SpecialKey = "uploads/a%20b%2Bc%C3%A9%7E%28x%29.txt";

    [Fact]
    public async Task UploadAsync_PutGrant_SendsUrlVerbatimWithExactlyTheGrantHeaders()
    {
        var server = new FakeUploadServer { EncodedKey = SpecialKey };
        server.ExtraPutHeaders["x-amz-server-side-encryption"] = "AES256";
        server.ExtraPutHeaders["x-amz-meta-origin"] = "caf%C3%A9";
        server.ExtraPutHeaders["Cache-Control"] = "max-age=60";
        server.ExtraPutHeaders["Content-Disposition"] = "attachment; filename=\"a b.txt\"";
        var data = TestData.Bytes(3000);

        var result = await server.CreateClient().UploadAsync("photos", new MemoryStream(data), "a b+cé~(x).txt", "text/plain", TestData.FastOptions(threshold: 1_000_000));

        var put = server.StorageRequests.Should().ContainSingle().Subject;
        put.Method.Should().Be(HttpMethod.Put);
        put.PathAndQuery.Should().Be(
            "/bucket/" + SpecialKey + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc123");
        put.Uri.OriginalString.Should().Contain("%7E").And.Contain("%28x%29");
        put.Headers["Content-Type"].Should().Be("text/plain");
        put.Headers["Content-Length"].Should().Be("3000");
        put.Headers["x-amz-server-side-encryption"].Should().Be("AES256");
        put.Headers["x-amz-meta-origin"].Should().Be("caf%C3%A9");
        put.Headers["Cache-Control"].Should().Be("max-age=60");
        put.Headers["Content-Disposition"].Should().Be("attachment; filename=\"a b.txt\"");
        put.Headers.Should().NotContainKey("Authorization");
        put.Body.Should().Equal(data);

        result.Key.Should().Be("uploads/a b+cé~(x).txt");
        result.Size.Should().Be(3000);
        result.ContentType.Should().Be("text/plain");
        result.ETag.Should().Be(FakeUploadServer.ETagOf(data));
    }

    [Fact]
    public async Task UploadAsync_Small_RequestsGrantThenConfirmsWithItsToken()
    {
        var server = new FakeUploadServer();
        await server.CreateClient().UploadAsync("photos", new MemoryStream(TestData.Bytes(10)), "cat.png", "image/png", TestData.FastOptions(threshold: 100));

        var hostCalls = server.HostRequests;
        hostCalls.Select(r => (r.Method.Method, r.Uri.AbsolutePath)).Should().Equal(("POST", "/uploads/photos"), ("POST", "/uploads/photos/complete"));
        hostCalls.Should().OnlyContain(r => r.Headers["Authorization"] == "Bearer app-secret");
        var grantRequest = hostCalls[0].Json;
        ((string)grantRequest["fileName"]!).Should().Be("cat.png");
        ((string)grantRequest["contentType"]!).Should().Be("image/png");
        ((long)grantRequest["size"]!).Should().Be(10);
        grantRequest.AsObject().Should().NotContainKey("md5");
        ((string)hostCalls[1].Json["token"]!).Should().StartWith("grant-");
    }

    [Fact]
    public async Task UploadAsync_PostGrant_SendsFieldsInOrderAndTheFileLast()
    {
        var server = new FakeUploadServer { GrantMethod = "POST" };
        var data = TestData.Bytes(2048);

        var result = await server.CreateClient().UploadAsync("docs", new MemoryStream(data), "naïve report.pdf", "application/pdf", TestData.FastOptions(threshold: 1_000_000));

        var post = server.StorageRequests.Should().ContainSingle().Subject;
        post.Method.Should().Be(HttpMethod.Post);
        post.PathAndQuery.Should().Be("/bucket");
        post.Headers.Should().NotContainKey("Authorization");
        post.Headers["Content-Type"].Should().StartWith("multipart/form-data");
        post.Headers["Content-Length"].Should().Be(post.Body.Length.ToString());
        var form = MultipartFormParser.Parse(post.Body, post.Headers["Content-Type"]);
        form.Select(p => p.Name).Should().Equal(
            "key", "Content-Type", "x-amz-meta-origin", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "file");
        form[0].Text.Should().Be("uploads/naïve report.pdf");
        form[2].Text.Should().Be("café");
        form.Take(8).Should().OnlyContain(p => p.RawDisposition.StartsWith("form-data; name=\"") && !p.Headers.ContainsKey("Content-Type"));
        form[^1].FileName.Should().Be("na_ve report.pdf");
        form[^1].Data.Should().Equal(data);
        result.Size.Should().Be(2048);
    }

    [Fact]
    public async Task UploadAsync_FilePath_UploadsTheFileUnderItsName()
    {
        var server = new FakeUploadServer();
        var data = TestData.Bytes(5000);
        using var file = TestData.File(data, "holiday.jpg");

        var result = await server.CreateClient().UploadAsync("photos", file.Path, "image/jpeg", TestData.FastOptions(threshold: 1_000_000));

        result.Key.Should().Be("uploads/holiday.jpg");
        server.Objects["uploads/holiday.jpg"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_SeekableStreamNotAtStart_UploadsFromItsPosition()
    {
        var server = new FakeUploadServer();
        var data = TestData.Bytes(100);
        var stream = new MemoryStream(data) { Position = 30 };

        var result = await server.CreateClient().UploadAsync("photos", stream, "tail.bin", "application/octet-stream", TestData.FastOptions(threshold: 1_000_000));

        result.Size.Should().Be(70);
        server.Objects["uploads/tail.bin"].Should().Equal(data[30..]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStreamWithLength_StreamsIt()
    {
        var server = new FakeUploadServer();
        var data = TestData.Bytes(4000);
        var options = TestData.FastOptions(threshold: 1_000_000);
        options.ContentLength = data.Length;

        await server.CreateClient().UploadAsync("photos", new NonSeekableStream(data), "pipe.bin", "application/octet-stream", options);

        server.Objects["uploads/pipe.bin"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStreamWithoutLength_ThrowsBeforeAnyCall()
    {
        var server = new FakeUploadServer();

        var act = () => server.CreateClient().UploadAsync("photos", new NonSeekableStream([1, 2, 3]), "pipe.bin", "application/octet-stream");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("content");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStreamShorterThanDeclared_ThrowsEndOfStreamWithoutRetrying()
    {
        var server = new FakeUploadServer();
        var options = TestData.FastOptions(threshold: 1_000_000);
        options.ContentLength = 5000;

        var act = () => server.CreateClient().UploadAsync("photos", new NonSeekableStream(TestData.Bytes(3000)), "short.bin", "application/octet-stream", options);

        await act.Should().ThrowAsync<EndOfStreamException>();
        server.Objects.Should().BeEmpty();
        server.HostCalls(HttpMethod.Post, "/uploads/photos/complete").Should().BeEmpty();
    }

    [Fact]
    public async Task UploadAsync_ComputeContentMd5_SendsItWithTheRequestAndThePut()
    {
        var server = new FakeUploadServer();
        var data = TestData.Bytes(1234);
        var options = TestData.FastOptions(threshold: 1_000_000);
        options.ComputeContentMd5 = true;

        await server.CreateClient().UploadAsync("photos", new MemoryStream(data), "x.bin", "application/octet-stream", options);

        var md5 = Convert.ToBase64String(MD5.HashData(data));
        ((string)server.HostRequests[0].Json["md5"]!).Should().Be(md5);
        server.StorageRequests.Single().Headers["Content-MD5"].Should().Be(md5);
    }

    [Fact]
    public async Task UploadAsync_MetadataOption_IsSentWithTheGrantRequest()
    {
        var server = new FakeUploadServer();
        var options = TestData.FastOptions(threshold: 1_000_000);
        options.Metadata["album"] = "summer";

        await server.CreateClient().UploadAsync("photos", new MemoryStream([1]), "x.bin", "application/octet-stream", options);

        ((string)server.HostRequests[0].Json["metadata"]!["album"]!).Should().Be("summer");
    }

    [Fact]
    public async Task UploadAsync_StoreAnswers500Once_RetriesTheSeekableUpload()
    {
        var server = new FakeUploadServer();
        var failures = 1;
        server.OnStorage = _ => Interlocked.Decrement(ref failures) >= 0 ? FakeUploadServer.S3Error(HttpStatusCode.InternalServerError, "InternalError") : null;
        var data = TestData.Bytes(600);

        await server.CreateClient().UploadAsync("photos", new MemoryStream(data), "x.bin", "application/octet-stream", TestData.FastOptions(threshold: 1_000_000));

        server.StorageRequests.Should().HaveCount(2);
        server.StorageRequests.Should().OnlyContain(r => r.Body.SequenceEqual(data));
    }

    [Fact]
    public async Task UploadAsync_SingleProfileRefusesSingle_FallsBackToMultipart()
    {
        var server = new FakeUploadServer { SingleAllowed = false, PartSize = 1000 };
        var data = TestData.Bytes(2500);

        var result = await server.CreateClient().UploadAsync("videos", new MemoryStream(data), "clip.mp4", "video/mp4", TestData.FastOptions(threshold: 1_000_000));

        server.HostCalls(HttpMethod.Post, "/uploads/videos").Should().ContainSingle();
        server.HostCalls(HttpMethod.Post, "/uploads/videos/multipart").Should().ContainSingle();
        server.Objects["uploads/clip.mp4"].Should().Equal(data);
        result.ContentType.Should().Be("video/mp4");
    }

    [Fact]
    public async Task UploadAsync_LargeFileOnSingleOnlyProfile_FallsBackToSingle()
    {
        var server = new FakeUploadServer { MultipartAllowed = false };
        var data = TestData.Bytes(2500);

        await server.CreateClient().UploadAsync("photos", new MemoryStream(data), "big.jpg", "image/jpeg", TestData.FastOptions(threshold: 1000));

        server.HostCalls(HttpMethod.Post, "/uploads/photos/multipart").Should().ContainSingle();
        server.HostCalls(HttpMethod.Post, "/uploads/photos/complete").Should().ContainSingle();
        server.Objects["uploads/big.jpg"].Should().Equal(data);
    }

    [Fact]
    public async Task UploadAsync_Small_ReportsProgressUpToTheTotal()
    {
        var server = new FakeUploadServer();
        var progress = new RecordingProgress();
        var options = TestData.FastOptions(threshold: 10_000_000);
        options.Progress = progress;

        await server.CreateClient().UploadAsync("photos", new MemoryStream(TestData.Bytes(300_000)), "x.bin", "application/octet-stream", options);

        progress.Reports.Should().HaveCountGreaterThan(1);
        progress.Reports.Select(r => r.BytesSent).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        progress.Reports[^1].Should().Be(new UploadProgress(300_000, 300_000));
    }

    [Fact]
    public async Task UploadAsync_EmptyContent_ReportsCompleteProgressOnce()
    {
        var server = new FakeUploadServer();
        var progress = new RecordingProgress();
        var options = TestData.FastOptions(threshold: 1000);
        options.Progress = progress;

        var result = await server.CreateClient().UploadAsync("photos", new MemoryStream(), "empty.txt", "text/plain", options);

        result.Size.Should().Be(0);
        progress.Reports.Should().Equal(new UploadProgress(0, 0));
        progress.Reports[0].Fraction.Should().Be(1);
    }

    [Fact]
    public async Task SendAsync_GrantWithUnknownMethod_Throws()
    {
        var client = new FakeUploadServer().CreateClient();
        var grant = new UploadGrant { Method = "PATCH", Url = "https://s3.test/bucket/x", Key = "x", Token = "t" };

        var act = () => client.SendAsync(grant, new MemoryStream([1]));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("grant");
    }

    [Fact]
    public async Task SendAsync_ContentOfAnotherLengthThanTheGrant_Throws()
    {
        var server = new FakeUploadServer();
        var client = server.CreateClient();
        var grant = new UploadGrant
        {
            Method = "PUT",
            Url = "https://s3.test/bucket/x",
            Key = "x",
            Token = "t",
            Headers = new Dictionary<string, string> { ["Content-Length"] = "10" },
        };

        var act = () => client.SendAsync(grant, new MemoryStream(new byte[9]));

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*Content-Length 10*9 bytes*");
        server.Requests.Should().BeEmpty();
    }
}
