using System.Text;
using System.Net;
using System.Text.Json;
using DirectUpload.AspNetCore.Tests.Infrastructure;

namespace DirectUpload.AspNetCore.Tests;

/// <summary><c>POST /uploads/{profile}</c>: the grant.</summary>
public sealed class GrantEndpointTests : IDisposable
{
    private readonly DirectUploadApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task PutProfile_ReturnsACamelCaseGrantWithSignedHeaders()
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos", Http.Grant("Holiday Photo.JPG", "image/jpeg", 1234));

        var grant = await response.ShouldBeJsonAsync();
        grant.MemberNames().Should().Equal("method", "url", "fields", "headers", "key", "expiresAt", "token");
        grant.GetProperty("method").GetString().Should().Be("PUT");
        var key = grant.GetProperty("key").GetString()!;
        key.Should().MatchRegex("^photos/users/alice/[0-9a-z]{26}\\.jpg$");
        var url = grant.GetProperty("url").GetString()!;
        url.Should().StartWith($"{DirectUploadApp.ServiceUrl}/{DirectUploadApp.Bucket}/{key}?");
        var query = Http.Query(url);
        query["X-Amz-Credential"].Should().StartWith(DirectUploadApp.AccessKey + "/20261121/us-east-1/s3/aws4_request");
        query["X-Amz-SignedHeaders"].Split(';').Should().Contain(["content-length", "content-type", "host"]);
        query["X-Amz-Expires"].Should().Be("900");
        query.Should().ContainKey("X-Amz-Signature");

        // header names are sent verbatim (no camelCase on dictionary keys)
        grant.GetProperty("headers").ToStringDictionary().Should().Equal(new Dictionary<string, string>
        {
            ["Content-Type"] = "image/jpeg",
            ["Content-Length"] = "1234",
            ["x-amz-meta-du-grant"] = grant.GetProperty("headers").GetProperty("x-amz-meta-du-grant").GetString()!,
            ["If-None-Match"] = "*",
            ["x-amz-acl"] = "bucket-owner-full-control",
            ["x-amz-tagging"] = string.Empty,
            ["x-amz-website-redirect-location"] = string.Empty,
            ["Cache-Control"] = string.Empty,
        });
        grant.GetProperty("fields").EnumerateObject().Should().BeEmpty();
        grant.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(DirectUploadApp.Start.AddMinutes(15));

        var token = Http.TokenPayload(grant.GetProperty("token").GetString()!);
        token.GetProperty("k").GetString().Should().Be(key);
        token.GetProperty("o").GetString().Should().Be("alice");
        token.GetProperty("s").GetInt64().Should().Be(1234);
        _app.Credentials.Calls.Should().Be(1);
    }

    [Theory]
    [InlineData("/uploads/photos", "Holiday Photo.JPG", "image/jpeg")]
    [InlineData("/uploads/docs", "report.pdf", "application/pdf")]
    public async Task Grant_PutAndPostProfiles_AnswerSystemTextJsonsBytesWithTheirLength(string path, string fileName, string contentType)
    {
        var response = await _app.As("alice").PostJsonAsync(path, Http.Grant(fileName, contentType, 4096));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("application/json; charset=utf-8");
        var body = await response.Content.ReadAsByteArrayAsync();
        response.Content.Headers.ContentLength.Should().Be(body.Length, "the grant is written in one piece, not chunked");

        // the same grant, serialized by System.Text.Json under the endpoints' options, is the same bytes (but for '+',
        // which the endpoint writes as itself instead of \u002B)
        var parsed = JsonDocument.Parse(body).RootElement;
        var same = new UploadGrant
        {
            Method = parsed.GetProperty("method").GetString()!,
            Url = parsed.GetProperty("url").GetString()!,
            Fields = parsed.GetProperty("fields").ToStringDictionary(),
            Headers = parsed.GetProperty("headers").ToStringDictionary(),
            Key = parsed.GetProperty("key").GetString()!,
            ExpiresAt = parsed.GetProperty("expiresAt").GetDateTimeOffset(),
            Token = parsed.GetProperty("token").GetString()!,
        };
        var expected = JsonSerializer.Serialize(same, DirectUpload.AspNetCore.Internal.Json.Info<UploadGrant>()).Replace("\\u002B", "+", StringComparison.Ordinal);
        Encoding.UTF8.GetString(body).Should().Be(expected);
    }

    [Fact]
    public async Task PostProfile_ReturnsFormFieldsInOrderAndNoHeaders()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/docs", Http.Grant("report.pdf", "application/pdf", 4096));

        var grant = await response.ShouldBeJsonAsync();
        grant.MemberNames().Should().Equal("method", "url", "fields", "headers", "key", "expiresAt", "token");
        grant.GetProperty("method").GetString().Should().Be("POST");
        grant.GetProperty("url").GetString().Should().Be($"{DirectUploadApp.ServiceUrl}/{DirectUploadApp.Bucket}");
        var key = grant.GetProperty("key").GetString()!;
        key.Should().MatchRegex("^docs/[0-9a-z]{26}\\.pdf$");
        var fields = grant.GetProperty("fields");
        fields.MemberNames().Should().Equal("key", "Content-Type", "x-amz-meta-du-grant", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature");
        var values = fields.ToStringDictionary();
        values["key"].Should().Be(key);
        values["Content-Type"].Should().Be("application/pdf");
        values["x-amz-credential"].Should().StartWith(DirectUploadApp.AccessKey + "/20261121/us-east-1/s3/aws4_request");

        using var policy = JsonDocument.Parse(Convert.FromBase64String(values["policy"]));
        policy.RootElement.GetProperty("conditions").GetRawText().Should().Contain("content-length-range");
        grant.GetProperty("headers").EnumerateObject().Should().BeEmpty();

        // anonymous profile: the token names no owner
        Http.TokenPayload(grant.GetProperty("token").GetString()!).TryGetProperty("o", out _).Should().BeFalse();
    }

    [Fact]
    public async Task OwnerId_ComesFromTheUserClaimNeverFromTheBody()
    {
        var response = await _app.As("alice").PostRawAsync(
            "/uploads/photos",
            """{"fileName":"me.png","contentType":"image/png","size":2000,"ownerId":"mallory","OwnerId":"mallory","owner":"mallory","sub":"mallory"}""");

        var grant = await response.ShouldBeJsonAsync();
        grant.GetProperty("key").GetString().Should().StartWith("photos/users/alice/").And.NotContain("mallory");
        Http.TokenPayload(grant.GetProperty("token").GetString()!).GetProperty("o").GetString().Should().Be("alice");
    }

    [Theory]
    [InlineData("../bob", "photos/users/.._2Fbob/")]
    [InlineData("bob/../../docs", "photos/users/bob_2F.._2F.._2Fdocs/")]
    [InlineData("..", "photos/users/_2E_2E/")]
    public async Task HostileOwnerIds_StayInOneFolderOfTheirOwn(string user, string folder)
    {
        var response = await _app.As(user).PostJsonAsync("/uploads/photos", Http.Grant());

        var key = (await response.ShouldBeJsonAsync()).GetProperty("key").GetString()!;
        key.Should().StartWith(folder);
        key.Split('/').Should().HaveCount(4);
    }

    [Fact]
    public async Task ClientMetadataAllowedByTheProfile_IsSigned()
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos", new
        {
            fileName = "me.png",
            contentType = "image/png",
            size = 2000,
            metadata = new Dictionary<string, string> { ["caption"] = "at the beach" },
        });

        var grant = await response.ShouldBeJsonAsync();
        grant.GetProperty("headers").ToStringDictionary().Should().Contain("x-amz-meta-caption", "at the beach");
    }

    [Fact]
    public async Task ContentMd5_IsSignedWhenGiven()
    {
        const string md5 = "XUFAKrxLKna5cZ2REBfFkg==";
        var response = await _app.Anonymous().PostJsonAsync("/uploads/checked", Http.Grant("hello.txt", "text/plain", 5, md5));

        var grant = await response.ShouldBeJsonAsync();
        grant.GetProperty("headers").ToStringDictionary().Should().Contain("Content-MD5", md5);
        Http.Query(grant.GetProperty("url").GetString()!)["X-Amz-SignedHeaders"].Split(';').Should().Contain("content-md5");
    }

    [Fact]
    public async Task ProfileNames_AreCaseInsensitive()
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/PHOTOS", Http.Grant());

        (await response.ShouldBeJsonAsync()).GetProperty("key").GetString().Should().StartWith("photos/users/alice/");
    }

    public static TheoryData<string, object, HttpStatusCode, string> Rejections => new()
    {
        { "nope", Http.Grant(), HttpStatusCode.NotFound, "unknown_profile" },
        { "photos", Http.Grant("a.pdf", "application/pdf"), HttpStatusCode.UnsupportedMediaType, "content_type_not_allowed" },
        { "photos", Http.Grant("a.jpg", "not a type"), HttpStatusCode.BadRequest, "invalid_content_type" },
        { "photos", Http.Grant(size: 1_000_001), HttpStatusCode.RequestEntityTooLarge, "too_large" },
        { "photos", Http.Grant(size: 99), HttpStatusCode.BadRequest, "too_small" },
        { "photos", Http.Grant(size: 0), HttpStatusCode.BadRequest, "invalid_size" },
        { "photos", Http.Grant(size: -5), HttpStatusCode.BadRequest, "invalid_size" },
        { "photos", new { fileName = "a.jpg", contentType = "image/jpeg" }, HttpStatusCode.BadRequest, "invalid_size" },
        { "photos", Http.Grant(fileName: ""), HttpStatusCode.BadRequest, "invalid_file_name" },
        { "photos", Http.Grant(fileName: "   "), HttpStatusCode.BadRequest, "invalid_file_name" },
        { "photos", Http.Grant(fileName: "evil\u0000.jpg"), HttpStatusCode.BadRequest, "invalid_file_name" },
        { "photos", Http.Grant(fileName: new string('a', 1025)), HttpStatusCode.BadRequest, "invalid_file_name" },
        { "photos", new { contentType = "image/jpeg", size = 1234 }, HttpStatusCode.BadRequest, "invalid_file_name" },
        { "photos", Http.Grant(md5: "not-an-md5"), HttpStatusCode.BadRequest, "invalid_content_md5" },
        { "photos", Http.Grant(md5: "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"), HttpStatusCode.BadRequest, "invalid_content_md5" },
        { "checked", Http.Grant("a.bin", "application/octet-stream", 10), HttpStatusCode.BadRequest, "content_md5_required" },
        { "photos", new { fileName = "a.jpg", contentType = "image/jpeg", size = 1234, metadata = new { album = "x" } }, HttpStatusCode.BadRequest, "metadata_not_allowed" },
        { "photos", new { fileName = "a.jpg", contentType = "image/jpeg", size = 1234, metadata = new { caption = "line\nbreak" } }, HttpStatusCode.BadRequest, "metadata_not_allowed" },
        { "videos", Http.Grant("a.mp4", "video/mp4", 10), HttpStatusCode.BadRequest, "method_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejections_AreProblemsWithAStableCodeAndSignNothing(string profile, object body, HttpStatusCode status, string code)
    {
        var response = await _app.As("alice").PostJsonAsync($"/uploads/{profile}", body);

        await response.ShouldBeProblemAsync(status, code);
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task OwnerIdThatIsTooLong_IsRefused()
    {
        var response = await _app.As(new string('a', 300)).PostJsonAsync("/uploads/photos", Http.Grant());

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_owner");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("{\"fileName\":\"a.jpg\",")]
    [InlineData("{fileName:'a.jpg'}")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("null")]
    [InlineData("{\"fileName\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"size\":1234,}")]
    public async Task MalformedJson_IsInvalidRequest(string body)
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", body);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("\"1234\"")]
    [InlineData("\"big\"")]
    [InlineData("true")]
    [InlineData("12.5")]
    [InlineData("{}")]
    [InlineData("99999999999999999999999")]
    public async Task WrongJsonTypeForSize_IsInvalidRequest(string size)
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", $"{{\"fileName\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"size\":{size}}}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("{\"fileName\":123,\"contentType\":\"image/jpeg\",\"size\":1234}")]
    [InlineData("{\"fileName\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"size\":1234,\"metadata\":{\"caption\":1}}")]
    [InlineData("{\"fileName\":\"a.jpg\",\"contentType\":\"image/jpeg\",\"size\":1234,\"metadata\":[\"caption\"]}")]
    public async Task WrongJsonTypeForOtherMembers_IsInvalidRequest(string body)
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", body);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    public async Task NonJsonContentType_Is415(string contentType)
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", JsonSerializer.Serialize(Http.Grant()), contentType);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request_content_type");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task MissingContentType_Is415()
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Http.Grant()));
        var response = await _app.As("alice").PostAsync("/uploads/photos", content);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request_content_type");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/problem+json")]
    [InlineData("APPLICATION/JSON")]
    public async Task JsonMediaTypesWithParametersOrSuffix_AreAccepted(string contentType)
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", JsonSerializer.Serialize(Http.Grant()), contentType);

        await response.ShouldBeJsonAsync();
    }

    [Fact]
    public async Task BodyOverTheLimitWithContentLength_Is413()
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", OversizedBody());

        response.Content.Headers.ContentLength.Should().NotBeNull();
        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads/photos") { Content = new ChunkedContent(OversizedBody()) };
        request.Headers.TransferEncodingChunked = true;

        var response = await _app.As("alice").SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task ChunkedBodyWithinTheLimit_IsRead()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads/photos") { Content = new ChunkedContent(JsonSerializer.Serialize(Http.Grant())) };
        request.Headers.TransferEncodingChunked = true;

        var response = await _app.As("alice").SendAsync(request);

        await response.ShouldBeJsonAsync();
    }

    [Fact]
    public async Task EmptyBody_Is400()
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos", string.Empty);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task OwnerScopedProfileWithoutAUser_Is401()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/photos", Http.Grant());

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task UnknownProfile_Is404BeforeAuthenticationMatters()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/nope", Http.Grant());

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "unknown_profile");
    }

    [Fact]
    public async Task PolicyProfileAnonymous_Is401()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/staff", Http.Grant("a.bin", "application/octet-stream"));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task PolicyProfileSignedInWithoutTheRole_Is403()
    {
        var response = await _app.As("alice", "viewer").PostJsonAsync("/uploads/staff", Http.Grant("a.bin", "application/octet-stream"));

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task PolicyProfileWithTheRole_Is200()
    {
        var response = await _app.As("alice", "viewer", DirectUploadApp.UploaderRole).PostJsonAsync("/uploads/staff", Http.Grant("a.bin", "application/octet-stream"));

        var grant = await response.ShouldBeJsonAsync();
        grant.GetProperty("key").GetString().Should().StartWith("staff/");
        Http.TokenPayload(grant.GetProperty("token").GetString()!).GetProperty("o").GetString().Should().Be("alice");
    }

    [Fact]
    public async Task Policy_IsCheckedBeforeTheBodyIsRead()
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/staff", "not json");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private static string OversizedBody() =>
        JsonSerializer.Serialize(new { fileName = new string('a', 70 * 1024), contentType = "image/jpeg", size = 1234 });
}
