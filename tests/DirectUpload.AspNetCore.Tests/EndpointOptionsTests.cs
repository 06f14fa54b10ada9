using System.Net;
using System.Text.Json;
using DirectUpload.AspNetCore.Tests.Infrastructure;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>Authorization policies with their own schemes, owner claims, and <see cref="DirectUploadEndpointOptions"/>.</summary>
public sealed class EndpointOptionsTests
{
    [Fact]
    public async Task PolicyThatNamesItsScheme_AuthenticatesWithThatScheme()
    {
        using var app = new DirectUploadApp();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(TestAuthHandler.ApiUserHeader, "carol");

        var response = await client.PostJsonAsync("/uploads/api", Http.Grant("a.bin", "application/octet-stream"));

        var grant = await response.ShouldBeJsonAsync();
        grant.GetProperty("key").GetString().Should().StartWith("api/users/carol/");
    }

    [Fact]
    public async Task PolicyThatNamesItsScheme_IgnoresTheDefaultSchemesUser()
    {
        using var app = new DirectUploadApp();

        var response = await app.As("alice").PostJsonAsync("/uploads/api", Http.Grant("a.bin", "application/octet-stream"));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task OwnerIdClaimTypes_AreConfigurable()
    {
        using var app = new DirectUploadApp(endpoints: o =>
        {
            o.OwnerIdClaimTypes.Clear();
            o.OwnerIdClaimTypes.Add(System.Security.Claims.ClaimTypes.Name);
        });

        var response = await app.As("dave").PostJsonAsync("/uploads/photos", Http.Grant());

        (await response.ShouldBeJsonAsync()).GetProperty("key").GetString().Should().StartWith("photos/users/dave/");
    }

    [Fact]
    public async Task BodyLimit_IsConfigurable()
    {
        using var app = new DirectUploadApp(endpoints: o => o.MaxRequestBodyBytes = 64);
        var body = JsonSerializer.Serialize(Http.Grant("a-rather-long-file-name-that-fills-the-body.jpg"));
        body.Length.Should().BeGreaterThan(64);

        var response = await app.As("alice").PostRawAsync("/uploads/photos", body);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task Downloads_CanBeLeftUnmapped()
    {
        using var app = new DirectUploadApp(endpoints: o => o.EnableDownloads = false);

        var response = await app.As("alice").GetAsync("/uploads/photos/download?key=photos/users/alice/x.jpg");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        app.Credentials.Calls.Should().Be(0);
    }
}
