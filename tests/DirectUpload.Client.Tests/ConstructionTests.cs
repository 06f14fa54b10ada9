using System.Net.Http.Headers;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class ConstructionTests
{
    [Fact]
    public void Constructor_SameClientForHostAndStorage_Throws()
    {
        var api = new FakeUploadServer().CreateApiClient();

        var act = () => new DirectUploadClient(api, api);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("storageClient");
    }

    [Fact]
    public void Constructor_StorageClientWithAuthorization_Throws()
    {
        var storage = new HttpClient();
        storage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "x");

        var act = () => new DirectUploadClient(new FakeUploadServer().CreateApiClient(), storage);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("storageClient");
    }

    [Fact]
    public void Constructor_RelativeBasePathWithoutBaseAddress_Throws()
    {
        var act = () => new DirectUploadClient(new HttpClient(), new DirectUploadClientOptions { BasePath = "/uploads" });

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("apiClient");
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("apiClient", () => new DirectUploadClient(null!));
        Assert.Throws<ArgumentNullException>("storageClient", () => new DirectUploadClient(new HttpClient { BaseAddress = FakeUploadServer.HostAddress }, (HttpClient)null!));
        Assert.Throws<ArgumentException>("options.BasePath", () => new DirectUploadClient(new HttpClient(), new DirectUploadClientOptions { BasePath = " " }));
    }

    [Fact]
    public async Task RequestGrantAsync_AbsoluteBasePath_NeedsNoBaseAddress()
    {
        var server = new FakeUploadServer();
        var client = new DirectUploadClient(
            new HttpClient(server, disposeHandler: false),
            new HttpClient(server, disposeHandler: false),
            new DirectUploadClientOptions { BasePath = "https://app.test/uploads/" });

        await client.RequestGrantAsync("photos", new UploadRequest { FileName = "x.png", ContentType = "image/png", Size = 1 });

        server.HostRequests.Single().Uri.Should().Be(new Uri("https://app.test/uploads/photos"));
    }

    [Fact]
    public async Task RequestGrantAsync_ProfileWithReservedCharacters_IsEscapedAsOnePathSegment()
    {
        var server = new FakeUploadServer();

        await server.CreateClient().RequestGrantAsync("my photos/ü", new UploadRequest { FileName = "x.png", ContentType = "image/png", Size = 1 });

        server.HostRequests.Single().PathAndQuery.Should().Be("/uploads/my%20photos%2F%C3%BC");
    }

    [Fact]
    public async Task PublicMethods_InvalidArguments_ThrowWithTheParameterName()
    {
        var client = new FakeUploadServer().CreateClient();
        var request = new UploadRequest { FileName = "x", ContentType = "y", Size = 1 };

        await Assert.ThrowsAsync<ArgumentException>("profile", () => client.RequestGrantAsync(" ", request));
        await Assert.ThrowsAsync<ArgumentNullException>("request", () => client.RequestGrantAsync("p", null!));
        await Assert.ThrowsAsync<ArgumentNullException>("content", () => client.UploadAsync("p", (Stream)null!, "x", "y"));
        await Assert.ThrowsAsync<ArgumentException>("fileName", () => client.UploadAsync("p", new MemoryStream(), "", "y"));
        await Assert.ThrowsAsync<ArgumentException>("contentType", () => client.UploadAsync("p", new MemoryStream(), "x", ""));
        await Assert.ThrowsAsync<ArgumentException>("partNumbers", () => client.SignPartsAsync("p", "t", []));
        await Assert.ThrowsAsync<ArgumentException>("token", () => client.ListPartsAsync("p", ""));
        await Assert.ThrowsAsync<ArgumentNullException>("grant", () => client.SendAsync(null!, new MemoryStream()));
    }

    [Theory]
    [InlineData(0, 8, 4)]
    [InlineData(65, 8, 4)]
    [InlineData(4, 0, 4)]
    [InlineData(4, 1001, 4)]
    [InlineData(4, 8, -1)]
    public async Task UploadAsync_OptionOutOfRange_Throws(int parallel, int batch, int retries)
    {
        var options = new UploadOptions { MaxParallelParts = parallel, PartSigningBatchSize = batch, MaxRetries = retries };

        var act = () => new FakeUploadServer().CreateClient().UploadAsync("p", new MemoryStream([1]), "x", "y", options);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
