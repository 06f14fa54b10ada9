using System.Net;
using DirectUpload.AspNetCore.Tests.Infrastructure;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// Issue 8, item 1, at the HTTP level: media types with a comma (a browser renders the last type of a comma list) and
/// other malformed types are refused with <c>invalid_content_type</c>, for grants and for the download override, and
/// nothing is signed.
/// </summary>
public sealed class MediaTypeAttackTests : IDisposable
{
    private const string AliceKey = "photos/users/alice/01jd3c4k7q9v2m5x8z0b1c2d3e.jpg";
    private readonly DirectUploadApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("docs", "text/plain; a=,text/html")]
    [InlineData("docs", "text/plain;,text/html")]
    [InlineData("docs", "application/pdf, text/html")]
    [InlineData("photos", "image/png; x=,text/html")]
    [InlineData("photos", "image/png;")]
    [InlineData("photos", "image/png; x=\"a,b\"")]
    [InlineData("photos", "image/png; x=1; x=2")]
    public async Task GrantWithAMalformedMediaType_Is400InvalidContentTypeAndNothingIsSigned(string profile, string contentType)
    {
        var response = await _app.As("alice").PostJsonAsync($"/uploads/{profile}", Http.Grant("x.png", contentType));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_content_type");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("image/png; charset=utf-8")]
    [InlineData("image/png; x=y")]
    public async Task ParametersOtherThanCharsetOnText_AreNotAllowed(string contentType)
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos", Http.Grant("x.png", contentType));

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "content_type_not_allowed");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task Grant_SignsTheNormalizedType()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/docs", Http.Grant("a.txt", "Text/Plain ; Charset=\"UTF-8\"", 100));

        var fields = (await response.ShouldBeJsonAsync()).GetProperty("fields");
        fields.GetProperty("Content-Type").GetString().Should().Be("text/plain;charset=utf-8");
    }

    [Theory]
    [InlineData("text/plain;,text/html")]
    [InlineData("text/plain; a=,text/html")]
    [InlineData("image/jpeg, text/html")]
    [InlineData("image/jpeg;")]
    public async Task DownloadContentTypeOverrideWithAComma_Is400AndNeverInline(string contentType)
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&inline=true&contentType={Uri.EscapeDataString(contentType)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_content_type");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task DownloadOverride_IsSignedInItsNormalizedForm()
    {
        var response = await _app.As("alice").GetAsync($"/uploads/photos/download?key={Uri.EscapeDataString(AliceKey)}&inline=true&contentType={Uri.EscapeDataString("Text/Plain; Charset=UTF-8")}");

        var body = await response.ShouldBeJsonAsync();
        body.GetProperty("contentDisposition").GetString().Should().Be("inline");
        Http.Query(body.GetProperty("url").GetString()!)["response-content-type"].Should().Be("text/plain;charset=utf-8");
    }
}
