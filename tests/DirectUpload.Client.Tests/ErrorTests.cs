using System.Net;
using System.Text;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class ErrorTests
{
    [Fact]
    public async Task UploadAsync_HostProblem_ThrowsWithItsCodeStatusTitleAndDetail()
    {
        var server = new FakeUploadServer
        {
            GrantResponse = () => FakeUploadServer.Problem(HttpStatusCode.RequestEntityTooLarge, "too_large", "The file is too large.", "The profile accepts at most 10485760 bytes."),
        };

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream([1]), "x.png", "image/png");

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("too_large");
        error.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        error.Title.Should().Be("The file is too large.");
        error.Detail.Should().Be("The profile accepts at most 10485760 bytes.");
        error.IsStorageError.Should().BeFalse();
        error.Message.Should().Be("too_large (HTTP 413): The file is too large. The profile accepts at most 10485760 bytes.");
        server.StorageRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task UploadAsync_HostErrorWithoutProblem_ThrowsUnexpectedResponse()
    {
        var server = new FakeUploadServer
        {
            GrantResponse = () => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>", Encoding.UTF8, "text/html") },
        };

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream([1]), "x.png", "image/png");

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be(DirectUploadErrorCodes.UnexpectedResponse);
        error.StatusCode.Should().Be(HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task RequestGrantAsync_UnreadableSuccess_ThrowsUnexpectedResponse()
    {
        var server = new FakeUploadServer
        {
            GrantResponse = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>", Encoding.UTF8, "text/html") },
        };

        var act = () => server.CreateClient().RequestGrantAsync("photos", new UploadRequest { FileName = "x", ContentType = "image/png", Size = 1 });

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.UnexpectedResponse);
    }

    [Fact]
    public async Task UploadAsync_StoreRefusesWithS3Xml_ThrowsStorageErrorWithTheS3Code()
    {
        var server = new FakeUploadServer
        {
            OnStorage = _ => FakeUploadServer.S3Error(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match."),
        };

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream([1, 2]), "x.png", "image/png");

        var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
        error.Code.Should().Be("storage_error:SignatureDoesNotMatch");
        error.IsStorageError.Should().BeTrue();
        error.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        error.Detail.Should().Be("The request signature we calculated does not match.");
        server.HostCalls(HttpMethod.Post, "/uploads/photos/complete").Should().BeEmpty();
    }

    [Fact]
    public async Task UploadAsync_StoreRefusesWithoutBody_UsesTheStatusName()
    {
        var server = new FakeUploadServer { OnStorage = _ => new HttpResponseMessage(HttpStatusCode.Forbidden) };

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream([1, 2]), "x.png", "image/png");

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("storage_error:Forbidden");
    }

    [Fact]
    public async Task UploadAsync_ConfirmRefused_ThrowsTheHostCode()
    {
        var server = new FakeUploadServer { OnStorage = _ => new HttpResponseMessage(HttpStatusCode.OK) }; // the store "loses" the object

        var act = () => server.CreateClient().UploadAsync("photos", new MemoryStream([1, 2]), "x.png", "image/png");

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("object_not_found");
    }

    [Fact]
    public async Task UploadAsync_HostUnavailableForCompletion_RetriesTheIdempotentCompletion()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var failures = 1;
        var flaky = new HttpClient(new InterceptingHandler(server, request =>
            request.RequestUri!.AbsolutePath.EndsWith("/multipart/complete", StringComparison.Ordinal) && Interlocked.Decrement(ref failures) >= 0
                ? FakeUploadServer.Problem(HttpStatusCode.BadGateway, "storage_error")
                : null))
        {
            BaseAddress = FakeUploadServer.HostAddress,
        };

        var result = await server.CreateClient(flaky).UploadAsync("videos", new MemoryStream(TestData.Bytes(1500)), "c.bin", "application/octet-stream", TestData.FastOptions());

        result.Size.Should().Be(1500);
    }

    [Fact]
    public async Task UploadAsync_HostUnavailableForSigning_RetriesTheSigningCall()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var failures = 1;
        var flaky = new HttpClient(new InterceptingHandler(server, request =>
            request.RequestUri!.AbsolutePath.EndsWith("/multipart/parts", StringComparison.Ordinal) && Interlocked.Decrement(ref failures) >= 0
                ? FakeUploadServer.Problem(HttpStatusCode.ServiceUnavailable, "unavailable")
                : null))
        {
            BaseAddress = FakeUploadServer.HostAddress,
        };

        await server.CreateClient(flaky).UploadAsync("videos", new MemoryStream(TestData.Bytes(1500)), "x.bin", "application/octet-stream", TestData.FastOptions());

        server.Objects.Should().ContainKey("uploads/x.bin");
    }
}
