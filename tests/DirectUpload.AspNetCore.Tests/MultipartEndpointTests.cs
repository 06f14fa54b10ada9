using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Moq;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>The multipart routes: start, sign parts, list parts, complete, abort.</summary>
public sealed class MultipartEndpointTests : IDisposable
{
    private const string UploadId = "2~upload-id+/=";
    private const long MiB = DirectUploadApp.MiB;
    private const long Total = (12 * MiB) + 123;
    private static readonly long[] PartSizes = [5 * MiB, 5 * MiB, (2 * MiB) + 123];
    private readonly DirectUploadApp _app = new(S3Mode.Mock);

    public MultipartEndpointTests() => _app.S3.SetupInitiate(UploadId);

    public void Dispose() => _app.Dispose();

    // ---------------------------------------------------------------- start

    [Fact]
    public async Task Start_CreatesTheUploadAndReturnsItsLayout()
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart", Http.Grant("Trip.MP4", "video/mp4", Total));

        var start = await response.ShouldBeJsonAsync();
        start.MemberNames().Should().Equal("uploadId", "key", "partSize", "partCount", "token", "expiresAt");
        start.GetProperty("uploadId").GetString().Should().Be(UploadId);
        var key = start.GetProperty("key").GetString()!;
        key.Should().MatchRegex("^videos/users/alice/[0-9a-z]{26}\\.mp4$");
        start.GetProperty("partSize").GetInt64().Should().Be(5 * MiB);
        start.GetProperty("partCount").GetInt32().Should().Be(3);
        start.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(DirectUploadApp.Start.AddDays(1));
        var token = Http.TokenPayload(start.GetProperty("token").GetString()!);
        token.GetProperty("u").GetString().Should().Be(UploadId);
        token.GetProperty("o").GetString().Should().Be("alice");

        _app.S3.Verify(
            s => s.InitiateMultipartUploadAsync(
                It.Is<InitiateMultipartUploadRequest>(r => r.BucketName == DirectUploadApp.Bucket && r.Key == key && r.ContentType == "video/mp4"),
                It.IsAny<CancellationToken>()),
            Times.Once());
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task StartOnAPutOnlyProfile_Is400MethodNotAllowed()
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/photos/multipart", Http.Grant("a.jpg", "image/jpeg", 1234));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "method_not_allowed");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("a.mp4", "image/png", 1000, HttpStatusCode.UnsupportedMediaType, "content_type_not_allowed")]
    [InlineData("a.mp4", "video/mp4", 0, HttpStatusCode.BadRequest, "invalid_size")]
    [InlineData("a.mp4", "video/mp4", 200L * 1024 * 1024 * 1024, HttpStatusCode.RequestEntityTooLarge, "too_large")]
    [InlineData("", "video/mp4", 1000, HttpStatusCode.BadRequest, "invalid_file_name")]
    public async Task Start_ChecksTheRequestBeforeCallingS3(string fileName, string contentType, long size, HttpStatusCode status, string code)
    {
        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart", Http.Grant(fileName, contentType, size));

        await response.ShouldBeProblemAsync(status, code);
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task StartWithoutAUserOnAnOwnerScopedProfile_Is401()
    {
        var response = await _app.Anonymous().PostJsonAsync("/uploads/videos/multipart", Http.Grant("a.mp4", "video/mp4", Total));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task StartStorageFailure_Is502StorageError()
    {
        _app.S3.Setup(s => s.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Replies.InternalError());

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart", Http.Grant("a.mp4", "video/mp4", Total));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "storage_error");
        problem.GetRawText().Should().NotContain(S3Replies.RequestId).And.NotContain("rack 42").And.NotContain(DirectUploadApp.Bucket);
    }

    // ---------------------------------------------------------------- sign parts

    [Fact]
    public async Task SignParts_ReturnsUrlsBoundToPartUploadAndExactLength()
    {
        var (key, token) = await StartAsync();

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/parts", new { token, partNumbers = new[] { 3, 1 } });

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("parts");
        var parts = body.GetProperty("parts").EnumerateArray().ToList();
        parts.Select(p => p.GetProperty("partNumber").GetInt32()).Should().Equal(3, 1);
        foreach (var part in parts)
        {
            var number = part.GetProperty("partNumber").GetInt32();
            var url = part.GetProperty("url").GetString()!;
            url.Should().StartWith($"{DirectUploadApp.ServiceUrl}/{DirectUploadApp.Bucket}/{key}?");
            var query = Http.Query(url);
            query["partNumber"].Should().Be(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            query["uploadId"].Should().Be(UploadId);
            query["X-Amz-SignedHeaders"].Split(';').Should().Contain("content-length");
            query.Should().ContainKey("X-Amz-Signature");
            var size = PartSizes[number - 1];
            part.GetProperty("headers").ToStringDictionary().Should().Equal(new Dictionary<string, string>
            {
                ["Content-Length"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            part.GetProperty("size").GetInt64().Should().Be(size);
        }

        _app.ShouldHaveCalledNoS3();
    }

    [Fact]
    public async Task SignParts_SignsAGivenContentMd5()
    {
        const string md5 = "XUFAKrxLKna5cZ2REBfFkg==";
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").PostJsonAsync(
            "/uploads/videos/multipart/parts",
            new { token, partNumbers = new[] { 2 }, contentMd5 = new Dictionary<string, string> { ["2"] = md5 } });

        var part = (await response.ShouldBeJsonAsync()).GetProperty("parts")[0];
        part.GetProperty("headers").ToStringDictionary().Should().Contain("Content-MD5", md5);
        Http.Query(part.GetProperty("url").GetString()!)["X-Amz-SignedHeaders"].Split(';').Should().Contain("content-md5");
    }

    [Theory]
    [InlineData("[4]")]
    [InlineData("[0]")]
    [InlineData("[-1]")]
    [InlineData("[1,1]")]
    [InlineData("[]")]
    public async Task SignPartsOutOfRange_Is400InvalidPartNumber(string numbers)
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").PostRawAsync("/uploads/videos/multipart/parts", $"{{\"token\":\"{token}\",\"partNumbers\":{numbers}}}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_part_number");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task SignPartsMd5ForAnUnrequestedPart_Is400()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").PostJsonAsync(
            "/uploads/videos/multipart/parts",
            new { token, partNumbers = new[] { 1 }, contentMd5 = new Dictionary<string, string> { ["x"] = "XUFAKrxLKna5cZ2REBfFkg==" } });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_part_number");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task SignPartsForAnotherOwner_Is403()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("bob").PostJsonAsync("/uploads/videos/multipart/parts", new { token, partNumbers = new[] { 1 } });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task SignPartsWithASingleUploadToken_Is400InvalidToken()
    {
        var grant = await (await _app.Anonymous().PostJsonAsync("/uploads/docs", Http.Grant("a.pdf", "application/pdf", 4096))).ShouldBeJsonAsync();
        _app.ResetS3Calls();
        var signedBefore = _app.Credentials.Calls;

        var response = await _app.Anonymous().PostJsonAsync("/uploads/docs/multipart/parts", new { token = grant.GetProperty("token").GetString(), partNumbers = new[] { 1 } });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.Credentials.Calls.Should().Be(signedBefore);
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task SignPartsWithATamperedToken_Is400()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/parts", new { token = Http.Tamper(token), partNumbers = new[] { 1 } });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    // ---------------------------------------------------------------- list parts

    [Fact]
    public async Task ListParts_ReturnsEveryPageOfTheStoresParts()
    {
        var (key, token) = await StartAsync();
        _app.S3.SetupListParts(UploadId, [S3Replies.Part(1, 5 * MiB, "\"e1\"")], [S3Replies.Part(2, 5 * MiB, "\"e2\"")]);

        var response = await _app.As("alice").GetAsync($"/uploads/videos/multipart/parts?token={Uri.EscapeDataString(token)}");

        var body = await response.ShouldBeJsonAsync();
        var parts = body.GetProperty("parts").EnumerateArray().ToList();
        parts.Should().HaveCount(2);
        parts[0].MemberNames().Should().Equal("partNumber", "size", "etag");
        parts.Select(p => (p.GetProperty("partNumber").GetInt32(), p.GetProperty("size").GetInt64(), p.GetProperty("etag").GetString()))
            .Should().Equal((1, 5 * MiB, "\"e1\""), (2, 5 * MiB, "\"e2\""));
        _app.S3.Verify(s => s.ListPartsAsync(It.Is<ListPartsRequest>(r => r.Key == key && r.UploadId == UploadId), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ListPartsOfAGoneUpload_Is422ObjectNotFound()
    {
        var (_, token) = await StartAsync();
        _app.S3.SetupListPartsThrows(S3Replies.NotFound("NoSuchUpload"));

        var response = await _app.As("alice").GetAsync($"/uploads/videos/multipart/parts?token={Uri.EscapeDataString(token)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "object_not_found");
    }

    [Fact]
    public async Task ListPartsWithoutAToken_Is400()
    {
        var response = await _app.As("alice").GetAsync("/uploads/videos/multipart/parts");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task ListPartsForAnotherOwner_Is403()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("bob").GetAsync($"/uploads/videos/multipart/parts?token={Uri.EscapeDataString(token)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.S3.VerifyNoOtherCalls();
    }

    // ---------------------------------------------------------------- complete

    [Fact]
    public async Task Complete_ChecksThePartsCompletesAndVerifiesTheObject()
    {
        var (key, token) = await StartAsync();
        SetupStoredParts();
        _app.S3.SetupComplete("\"final-3\"");
        _app.S3.SetupHeadAfterComplete(key, Total, "video/mp4", "\"final-3\"");

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new
        {
            token,
            parts = new object[] { new { partNumber = 2, etag = "e2" }, new { partNumber = 1, etag = "\"e1\"" }, new { partNumber = 3, etag = "e3" } },
        });

        var body = await response.ShouldBeJsonAsync();
        body.GetProperty("key").GetString().Should().Be(key);
        body.GetProperty("size").GetInt64().Should().Be(Total);
        body.GetProperty("etag").GetString().Should().Be("\"final-3\"");
        _app.S3.Verify(
            s => s.CompleteMultipartUploadAsync(
                It.Is<CompleteMultipartUploadRequest>(r => r.Key == key && r.UploadId == UploadId
                    && r.PartETags.Select(p => p.PartNumber).SequenceEqual(new int?[] { 1, 2, 3 })
                    && r.PartETags.All(p => p.ETag.StartsWith('"'))
                    && r.IfNoneMatch == "*"),
                It.IsAny<CancellationToken>()),
            Times.Once());
        _app.S3.VerifyHead(key, Times.Exactly(2)); // the key is free before completing; the object after
        _app.Completed.Calls.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Key = key, Size = Total, OwnerId = "alice", Profile = "videos" });
    }

    [Fact]
    public async Task CompleteOverAnObjectAlreadyStoredUnderTheKey_Is409ObjectExistsAndNothingIsReplacedOrDeleted()
    {
        var (key, token) = await StartAsync();
        SetupStoredParts();
        _app.S3.SetupHead(key, 999, "text/html");

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "object_exists");
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never());
        _app.S3.VerifyDelete(key, Times.Never());
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteRefusedByTheStoreAsAPrecondition_Is409ObjectExists()
    {
        // AWS enforces If-None-Match: * on CompleteMultipartUpload (an object written between the check and the completion)
        var (key, token) = await StartAsync();
        SetupStoredParts();
        _app.S3.SetupHeadThrows(S3Replies.NotFound());
        _app.S3.Setup(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("At least one of the pre-conditions you specified did not hold", Amazon.Runtime.ErrorType.Sender, "PreconditionFailed", S3Replies.RequestId, HttpStatusCode.PreconditionFailed));

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "object_exists");
        _app.S3.VerifyDelete(key, Times.Never());
    }

    [Fact]
    public async Task Complete_RetriedAfterSuccessVerifiesTheStoredObject()
    {
        var (key, token) = await StartAsync();
        _app.S3.SetupListPartsThrows(S3Replies.NotFound("NoSuchUpload"));
        _app.S3.SetupHead(key, Total, "video/mp4", "\"final-3\"");

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        var body = await response.ShouldBeJsonAsync();
        body.GetProperty("etag").GetString().Should().Be("\"final-3\"");
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task CompleteAfterAnAbort_Is422ObjectNotFound()
    {
        var (_, token) = await StartAsync();
        _app.S3.SetupListPartsThrows(S3Replies.NotFound("NoSuchUpload"));
        _app.S3.SetupHeadThrows(S3Replies.NotFound());

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "object_not_found");
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("[{\"partNumber\":1,\"etag\":\"e1\"},{\"partNumber\":2,\"etag\":\"e2\"}]")]
    [InlineData("[]")]
    [InlineData("[{\"partNumber\":1,\"etag\":\"e1\"},{\"partNumber\":2,\"etag\":\"e2\"},{\"partNumber\":2,\"etag\":\"e2\"}]")]
    [InlineData("[{\"partNumber\":1,\"etag\":\"e1\"},{\"partNumber\":2,\"etag\":\"e2\"},{\"partNumber\":3}]")]
    public async Task CompleteWithWrongParts_Is400InvalidPartsBeforeAnyS3Call(string parts)
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").PostRawAsync("/uploads/videos/multipart/complete", $"{{\"token\":\"{token}\",\"parts\":{parts}}}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_parts");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task CompleteWithAnEtagTheStoreDoesNotHave_Is400InvalidParts()
    {
        var (_, token) = await StartAsync();
        SetupStoredParts();

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "WRONG", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_parts");
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task CompleteWithAStoredPartOfTheWrongSize_Is422()
    {
        var (_, token) = await StartAsync();
        _app.S3.SetupListParts(UploadId, [S3Replies.Part(1, 5 * MiB, "\"e1\""), S3Replies.Part(2, (5 * MiB) - 1, "\"e2\""), S3Replies.Part(3, PartSizes[2], "\"e3\"")]);

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "size_mismatch");
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task CompleteWhoseFinalSizeDiffers_Is422AndTheObjectIsDeleted()
    {
        var (key, token) = await StartAsync();
        SetupStoredParts();
        _app.S3.SetupComplete("\"final-3\"");
        _app.S3.SetupHeadAfterComplete(key, Total + 1, "video/mp4");
        _app.S3.SetupDelete();

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "size_mismatch");
        _app.S3.VerifyDelete(key, Times.Once());
        _app.Completed.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteForAnotherOwner_Is403()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("bob").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CompleteStorageFailure_Is502()
    {
        var (_, token) = await StartAsync();
        SetupStoredParts();
        _app.S3.SetupHeadThrows(S3Replies.NotFound());
        _app.S3.Setup(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Replies.InternalError());

        var response = await _app.As("alice").PostJsonAsync("/uploads/videos/multipart/complete", new { token, parts = Parts("e1", "e2", "e3") });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "storage_error");
        problem.GetRawText().Should().NotContain(S3Replies.RequestId).And.NotContain("rack 42");
        _app.Completed.Calls.Should().BeEmpty();
    }

    // ---------------------------------------------------------------- abort

    [Fact]
    public async Task Abort_Is204AndAbortsTheUpload()
    {
        var (key, token) = await StartAsync();
        _app.S3.SetupAbort();

        var response = await _app.As("alice").DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(token)}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        _app.S3.Verify(
            s => s.AbortMultipartUploadAsync(
                It.Is<AbortMultipartUploadRequest>(r => r.BucketName == DirectUploadApp.Bucket && r.Key == key && r.UploadId == UploadId),
                It.IsAny<CancellationToken>()),
            Times.Once());
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AbortOfAGoneUpload_IsStill204()
    {
        var (_, token) = await StartAsync();
        _app.S3.Setup(s => s.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Replies.NotFound("NoSuchUpload"));

        var response = await _app.As("alice").DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(token)}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task AbortWithATamperedToken_Is400()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(Http.Tamper(token))}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AbortForAnotherOwner_Is403()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("bob").DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(token)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AbortWithATokenForAnotherProfile_Is400()
    {
        var (_, token) = await StartAsync();

        var response = await _app.As("alice").DeleteAsync($"/uploads/docs/multipart?token={Uri.EscapeDataString(token)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ExpiredMultipartToken_Is403Expired()
    {
        var (_, token) = await StartAsync();
        _app.Clock.Advance(TimeSpan.FromDays(1));

        var response = await _app.As("alice").DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(token)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "expired");
        _app.S3.VerifyNoOtherCalls();
    }

    private static object[] Parts(params string[] etags) => etags.Select((e, i) => (object)new { partNumber = i + 1, etag = e }).ToArray();

    private void SetupStoredParts() =>
        _app.S3.SetupListParts(UploadId, [S3Replies.Part(1, PartSizes[0], "\"e1\""), S3Replies.Part(2, PartSizes[1], "\"e2\""), S3Replies.Part(3, PartSizes[2], "\"e3\"")]);

    /// <summary>Starts a 3-part upload for alice on "videos"; the S3 calls and signatures so far are forgotten.</summary>
    private async Task<(string Key, string Token)> StartAsync()
    {
        var start = await (await _app.As("alice").PostJsonAsync("/uploads/videos/multipart", Http.Grant("a.mp4", "video/mp4", Total))).ShouldBeJsonAsync();
        start.GetProperty("partCount").GetInt32().Should().Be(3);
        _app.ResetS3Calls();
        _app.Credentials.Calls.Should().Be(0, "starting signs nothing");
        return (start.GetProperty("key").GetString()!, start.GetProperty("token").GetString()!);
    }
}
