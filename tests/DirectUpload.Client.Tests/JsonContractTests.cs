using System.Net;
using System.Text;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

public class JsonContractTests
{
    [Fact]
    public async Task RequestGrantAsync_ReadsTheGrantKeepingFieldOrderAndCaseInsensitiveHeaders()
    {
        const string json = """
            {"method":"POST","url":"https://s3.test/bucket","fields":{"z-last-alphabetically":"1","key":"a/b.png","Content-Type":"image/png","policy":"p"},
             "headers":{"Content-Type":"image/png"},"key":"a/b.png","expiresAt":"2030-01-01T00:00:00Z","token":"tok","unknownMember":true}
            """;
        var server = new FakeUploadServer { GrantResponse = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") } };

        var grant = await server.CreateClient().RequestGrantAsync("photos", new UploadRequest { FileName = "b.png", ContentType = "image/png", Size = 3, Md5 = "bWQ1" });

        grant.Method.Should().Be("POST");
        grant.Fields.Keys.Should().Equal("z-last-alphabetically", "key", "Content-Type", "policy");
        grant.Headers["content-type"].Should().Be("image/png");
        grant.Key.Should().Be("a/b.png");
        grant.Token.Should().Be("tok");
        grant.ExpiresAt.Should().Be(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        server.HostRequests.Single().Json.ToJsonString().Should().Be("{\"fileName\":\"b.png\",\"contentType\":\"image/png\",\"size\":3,\"md5\":\"bWQ1\"}");
    }

    [Fact]
    public async Task ConfirmAsync_SendsTheTokenAndReadsTheObject()
    {
        var server = new FakeUploadServer();
        var client = server.CreateClient();
        var grant = await client.RequestGrantAsync("photos", new UploadRequest { FileName = "c.png", ContentType = "image/png", Size = 3 });
        await client.SendAsync(grant, new MemoryStream([1, 2, 3]));

        var result = await client.ConfirmAsync("photos", grant.Token);

        server.HostRequests[^1].Json.ToJsonString().Should().Be($"{{\"token\":\"{grant.Token}\"}}");
        result.Should().Be(new UploadResult { Key = "uploads/c.png", Size = 3, ContentType = "image/png", ETag = FakeUploadServer.ETagOf([1, 2, 3]) });
    }

    [Fact]
    public async Task ListPartsAsync_ReadsPartsWithTheirETags()
    {
        var server = new FakeUploadServer { PartSize = 1000 };
        var client = server.CreateClient();
        var session = await client.StartMultipartAsync("videos", new UploadRequest { FileName = "v.bin", ContentType = "application/octet-stream", Size = 1500 });
        var grant = (await client.SignPartsAsync("videos", session.Token, [2])).Single();
        grant.Size.Should().Be(500);
        grant.Headers["content-length"].Should().Be("500");
        using (var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(new byte[500]) })
        {
            (await new HttpClient(server, disposeHandler: false).SendAsync(put)).EnsureSuccessStatusCode();
        }

        var parts = await client.ListPartsAsync("videos", session.Token);

        parts.Should().Equal(new UploadedPart { PartNumber = 2, Size = 500, ETag = FakeUploadServer.ETagOf(new byte[500]) });
        server.HostRequests[^1].PathAndQuery.Should().Be("/uploads/videos/multipart/parts?token=" + Uri.EscapeDataString(session.Token));
    }

    [Fact]
    public async Task StartMultipartAsync_FillsTheSizeTheHostDoesNotReturn()
    {
        var server = new FakeUploadServer { PartSize = 1000 };

        var session = await server.CreateClient().StartMultipartAsync("videos", new UploadRequest { FileName = "v.bin", ContentType = "video/mp4", Size = 2001, Md5 = "ignored" });

        session.Size.Should().Be(2001);
        session.PartCount.Should().Be(3);
        server.HostRequests.Single().Json.AsObject().Should().NotContainKey("md5");
    }
}
