using System.Net;
using Amazon.S3;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Moq;

namespace DirectUpload.AspNetCore.Tests;

/// <summary><c>POST /uploads/{profile}/complete</c>: confirmation (HEAD, checks, hook).</summary>
public sealed class CompleteEndpointTests : IDisposable
{
    private const string ETag = "\"5d41402abc4b2a76b9719d911017c592\"";
    private readonly DirectUploadApp _app = new(S3Mode.Mock);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task MatchingObject_IsConfirmedAndTheHookIsCalled()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHead(key, 1234, "image/jpeg", ETag);

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("key", "size", "contentType", "etag");
        body.GetProperty("key").GetString().Should().Be(key);
        body.GetProperty("size").GetInt64().Should().Be(1234);
        body.GetProperty("contentType").GetString().Should().Be("image/jpeg");
        body.GetProperty("etag").GetString().Should().Be(ETag);

        _app.Completed.Calls.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Profile = "photos",
            Key = key,
            Size = 1234L,
            ContentType = "image/jpeg",
            ETag,
            OwnerId = "alice",
        });
        _app.S3.VerifyHead(key, Times.Once());
        _app.S3.VerifyLedger();
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ConfirmingAgain_ReturnsTheSameResult()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHead(key, 1234, "image/jpeg", ETag);
        var client = _app.As("alice");

        var first = await (await client.PostJsonAsync("/uploads/photos/complete", new { token })).ShouldBeJsonAsync();
        var second = await (await client.PostJsonAsync("/uploads/photos/complete", new { token })).ShouldBeJsonAsync();

        second.GetRawText().Should().Be(first.GetRawText());
        _app.Completed.Calls.Should().HaveCount(2).And.OnlyContain(c => c.Key == key && c.Size == 1234);
        _app.S3.VerifyHead(key, Times.Exactly(2));
        _app.S3.VerifyLedger();
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MissingObject_Is422ObjectNotFound()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHeadThrows(S3Replies.NotFound());

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "object_not_found");
        _app.Completed.Calls.Should().BeEmpty();
        _app.S3.VerifyHead(key, Times.Once());
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task SizeMismatch_Is422AndTheObjectIsDeleted()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHead(key, 999_999, "image/jpeg");
        _app.S3.SetupDelete();

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "size_mismatch");
        _app.S3.VerifyDelete(key, Times.Once());
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task SizeMismatch_KeepsTheObjectWhenTheProfileSaysSo()
    {
        var grant = await (await _app.Anonymous().PostJsonAsync("/uploads/docs", Http.Grant("a.pdf", "application/pdf", 4096))).ShouldBeJsonAsync();
        var key = grant.GetProperty("key").GetString()!;
        _app.ResetS3Calls();
        _app.S3.SetupHead(key, 4095, "application/pdf");

        var response = await _app.Anonymous().PostJsonAsync("/uploads/docs/complete", new { token = grant.GetProperty("token").GetString() });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "size_mismatch");
        _app.S3.VerifyHead(key, Times.Once());
        _app.S3.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("\"5d41402abc4b2a76b9719d911017c592\"", HttpStatusCode.OK)] // MD5("hello"): matches the granted MD5
    [InlineData("\"00000000000000000000000000000000\"", HttpStatusCode.UnprocessableEntity)]
    [InlineData("\"5d41402abc4b2a76b9719d911017c592-2\"", HttpStatusCode.OK)] // not a plain MD5: cannot be compared
    public async Task GrantedMd5_IsComparedWithTheStoredEtag(string etag, HttpStatusCode expected)
    {
        var md5 = Convert.ToBase64String(Convert.FromHexString("5d41402abc4b2a76b9719d911017c592"));
        var grant = await (await _app.As("alice").PostJsonAsync("/uploads/photos", Http.Grant("a.jpg", "image/jpeg", 1234, md5))).ShouldBeJsonAsync();
        var key = grant.GetProperty("key").GetString()!;
        _app.ResetS3Calls();
        _app.S3.SetupHead(key, 1234, "image/jpeg", etag);
        _app.S3.SetupDelete();

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token = grant.GetProperty("token").GetString() });

        if (expected == HttpStatusCode.OK)
        {
            (await response.ShouldBeJsonAsync()).GetProperty("key").GetString().Should().Be(key);
            _app.S3.VerifyDelete(key, Times.Never());
        }
        else
        {
            await response.ShouldBeProblemAsync(expected, "checksum_mismatch");
            _app.S3.VerifyDelete(key, Times.Once());
            _app.Completed.Calls.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task ContentTypeMismatch_Is422AndTheObjectIsDeleted()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHead(key, 1234, "text/html");
        _app.S3.SetupDelete();

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "content_type_mismatch");
        _app.S3.VerifyDelete(key, Times.Once());
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task TamperedToken_Is400InvalidToken()
    {
        var (_, token) = await GrantAsync();

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token = Http.Tamper(token) });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public async Task MalformedToken_Is400InvalidToken(string token)
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MissingToken_Is400InvalidToken()
    {
        var response = await _app.As("alice").PostRawAsync("/uploads/photos/complete", "{}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ExpiredToken_Is403Expired()
    {
        var (_, token) = await GrantAsync();

        // the grant lives 15 minutes, its token one more hour (the confirmation grace period)
        _app.Clock.Advance(TimeSpan.FromMinutes(75));
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "expired");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task TokenWithinTheGracePeriod_StillConfirms()
    {
        var (key, token) = await GrantAsync();
        _app.S3.SetupHead(key, 1234, "image/jpeg");

        _app.Clock.Advance(TimeSpan.FromMinutes(74));
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeJsonAsync();
    }

    [Fact]
    public async Task AnotherUsersToken_Is403Forbidden()
    {
        var (_, token) = await GrantAsync();

        var response = await _app.As("bob").PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.S3.VerifyNoOtherCalls();
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task OwnerScopedConfirmationWithoutAUser_Is401()
    {
        var (_, token) = await GrantAsync();

        var response = await _app.Anonymous().PostJsonAsync("/uploads/photos/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task TokenOfAnotherProfile_Is400InvalidToken()
    {
        var (_, token) = await GrantAsync();

        var response = await _app.As("alice").PostJsonAsync("/uploads/docs/complete", new { token });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MultipartToken_Is400InvalidToken()
    {
        _app.S3.SetupInitiate("upload-1");
        var start = await (await _app.As("alice").PostJsonAsync("/uploads/videos/multipart", Http.Grant("a.mp4", "video/mp4", 12 * DirectUploadApp.MiB))).ShouldBeJsonAsync();
        _app.ResetS3Calls();

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/complete", new { token = start.GetProperty("token").GetString() });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task StorageFailure_Is502StorageErrorWithoutTheStoresWords()
    {
        var (_, token) = await GrantAsync();
        _app.S3.SetupHeadThrows(S3Replies.InternalError());

        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/complete", new { token });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "storage_error");
        var text = problem.GetRawText();
        text.Should().NotContain(S3Replies.RequestId).And.NotContain("rack 42").And.NotContain(DirectUploadApp.Bucket)
            .And.NotContain("InternalError").And.NotContain(nameof(AmazonS3Exception));
        _app.Completed.Calls.Should().BeEmpty();

        // the operator still learns what happened
        _app.Logs.Records.Should().Contain(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.EventId.Id == 50 && r.Exception is AmazonS3Exception);
    }

    /// <summary>A PUT grant for alice on "photos" (1234 bytes of image/jpeg); the S3 calls so far are forgotten.</summary>
    private async Task<(string Key, string Token)> GrantAsync()
    {
        var grant = await (await _app.As("alice").PostJsonAsync("/uploads/photos", Http.Grant("a.jpg", "image/jpeg", 1234))).ShouldBeJsonAsync();
        _app.ResetS3Calls();
        return (grant.GetProperty("key").GetString()!, grant.GetProperty("token").GetString()!);
    }
}
