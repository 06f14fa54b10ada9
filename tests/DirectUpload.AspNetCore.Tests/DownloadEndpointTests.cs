using System.Net;
using DirectUpload.AspNetCore.Tests.Infrastructure;

namespace DirectUpload.AspNetCore.Tests;

/// <summary><c>GET /uploads/{profile}/download?key=</c>: presigned GET URLs.</summary>
public sealed class DownloadEndpointTests : IDisposable
{
    private const string AliceKey = "photos/users/alice/01jd3c4k7q9v2m5x8z0b1c2d3e.jpg";
    private readonly DirectUploadApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SafeImageAskedInline_IsServedInline()
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&inline=true&contentType=image/jpeg");

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("url", "expiresAt", "contentDisposition");
        body.GetProperty("contentDisposition").GetString().Should().Be("inline");
        body.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(DirectUploadApp.Start.AddMinutes(15));
        var url = body.GetProperty("url").GetString()!;
        url.Should().StartWith($"{DirectUploadApp.ServiceUrl}/{DirectUploadApp.Bucket}/{AliceKey}?");
        var query = Http.Query(url);
        query["response-content-disposition"].Should().Be("inline");
        query["response-content-type"].Should().Be("image/jpeg");
        query.Should().ContainKey("X-Amz-Signature");
        _app.Credentials.Calls.Should().Be(1);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/svg+xml")]
    [InlineData("application/javascript")]
    [InlineData("text/xml")]
    public async Task RiskyTypes_AreAttachmentsEvenWhenAskedInline(string contentType)
    {
        var key = "docs/01jd3c4k7q9v2m5x8z0b1c2d3e.html";

        var response = await _app.Anonymous().GetAsync($"/uploads/docs/download?key={Uri.EscapeDataString(key)}&inline=true&contentType={Uri.EscapeDataString(contentType)}");

        var body = await response.ShouldBeJsonAsync();
        var disposition = body.GetProperty("contentDisposition").GetString()!;
        disposition.Should().StartWith("attachment; filename=\"01jd3c4k7q9v2m5x8z0b1c2d3e.html\"");
        Http.Query(body.GetProperty("url").GetString()!)["response-content-disposition"].Should().Be(disposition);
    }

    [Fact]
    public async Task WithoutInlineASafeType_IsAnAttachment()
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&contentType=image/jpeg");

        (await response.ShouldBeJsonAsync()).GetProperty("contentDisposition").GetString().Should().StartWith("attachment;");
    }

    [Fact]
    public async Task InlineWithoutAContentType_IsAnAttachment()
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&inline=true");

        (await response.ShouldBeJsonAsync()).GetProperty("contentDisposition").GetString().Should().StartWith("attachment;");
    }

    [Theory]
    [InlineData("other/01jd3c4k7q9v2m5x8z0b1c2d3e.jpg")]
    [InlineData("photos/users/alice/../bob/x.jpg")]
    [InlineData("photos/")]
    [InlineData("")]
    [InlineData("/photos/users/alice/x.jpg")]
    public async Task KeyOutsideThePrefixOrMalformed_Is400InvalidKey(string key)
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(key)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_key");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task MissingKey_Is400InvalidKey()
    {
        var response = await _app.Anonymous().GetAsync("/uploads/docs/download");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_key");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task AnotherOwnersKeyOnAnOwnerScopedProfile_Is403()
    {
        var response = await _app.As("bob").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task OwnerScopedDownloadWithoutAUser_Is401()
    {
        var response = await _app.Anonymous().GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task MalformedResponseContentType_Is400()
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&contentType=nonsense");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_content_type");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task UnknownProfile_Is404()
    {
        var response = await _app.Anonymous().GetAsync("/uploads/nope/download?key=x");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "unknown_profile");
    }

    [Fact]
    public async Task PolicyProfileDownload_NeedsTheRole()
    {
        const string key = "staff/01jd3c4k7q9v2m5x8z0b1c2d3e.bin";

        await (await _app.Anonymous().GetAsync($"/uploads/staff/download?key={key}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await _app.As("alice").GetAsync($"/uploads/staff/download?key={key}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.Credentials.Calls.Should().Be(0);

        await (await _app.As("alice", DirectUploadApp.UploaderRole).GetAsync($"/uploads/staff/download?key={key}")).ShouldBeJsonAsync();
    }
}
