using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.AspNetCore.Internal;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Moq;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// The Uppy Companion routes (<c>MapUppyCompanion("/uppy/videos", "videos")</c>): Uppy's protocol, and the owner binding
/// that Companion lacks (nobody signs, lists, completes or aborts another user's upload; the key is bound to the token).
/// </summary>
public sealed class UppyCompanionEndpointTests : IDisposable
{
    private const string UploadId = "2~uppy-upload+/=";
    private const string Base = "/uppy/videos/s3";
    private const long MiB = DirectUploadApp.MiB;
    private const long Total = (12 * MiB) + 123;
    private static readonly long[] PartSizes = [5 * MiB, 5 * MiB, (2 * MiB) + 123];
    private readonly DirectUploadApp _app = new(S3Mode.Mock);

    public UppyCompanionEndpointTests() => _app.S3.SetupInitiate(UploadId);

    public void Dispose() => _app.Dispose();

    // ---------------------------------------------------------------- create

    [Fact]
    public async Task Create_ReturnsTheKeyAndTheTokenAsUploadIdWithUppysChunking()
    {
        var response = await _app.As("alice").PostJsonAsync($"{Base}/multipart", Create("Trip.mp4", "video/mp4", Total));

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("key", "uploadId");
        var key = body.GetProperty("key").GetString()!;
        key.Should().StartWith("videos/users/alice/");
        var token = Http.TokenPayload(body.GetProperty("uploadId").GetString()!);
        token.GetProperty("u").GetString().Should().Be(UploadId, "the store's upload id travels inside the signed token");
        token.GetProperty("o").GetString().Should().Be("alice");
        token.GetProperty("k").GetString().Should().Be(key);
        token.GetProperty("z").GetInt64().Should().Be(5 * MiB, "Uppy cuts a 12 MiB file into 5 MiB chunks");
        _app.S3.Verify(s => s.InitiateMultipartUploadAsync(It.Is<InitiateMultipartUploadRequest>(r => r.Key == key && r.ContentType == "video/mp4"), It.IsAny<CancellationToken>()), Times.Once());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("012")]
    [InlineData("1e9")]
    [InlineData("12.5")]
    [InlineData("99999999999999999999")]
    public async Task CreateWithoutAValidSizeInMeta_Is400AndCallsNoS3(string? size)
    {
        object metadata = size is null ? new { name = "a.mp4" } : new { name = "a.mp4", size };

        var response = await _app.As("alice").PostJsonAsync($"{Base}/multipart", new { filename = "a.mp4", type = "video/mp4", metadata });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_size");
        response.ReasonPhrase.Should().Contain("size is required", "Uppy shows only the status text");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("notes.txt", "text/plain", 1000L, HttpStatusCode.UnsupportedMediaType, "content_type_not_allowed", "does not allow content type 'text/plain'")]
    [InlineData("big.mp4", "video/mp4", 200L * 1024 * 1024 * 1024, HttpStatusCode.RequestEntityTooLarge, "too_large", "above the maximum")]
    public async Task CreateRefusals_CarryTheServersMessageInTheReasonPhrase(string name, string type, long size, HttpStatusCode status, string code, string message)
    {
        var response = await _app.As("alice").PostJsonAsync($"{Base}/multipart", Create(name, type, size));

        var problem = await response.ShouldBeProblemAsync(status, code);
        response.ReasonPhrase.Should().Contain(message);
        problem.GetProperty("detail").GetString().Should().Contain(message);
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task CreateWithoutAUserOnAnOwnerScopedProfile_Is401()
    {
        var response = await _app.Anonymous().PostJsonAsync($"{Base}/multipart", Create("a.mp4", "video/mp4", Total));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    // ---------------------------------------------------------------- sign part

    [Fact]
    public async Task SignPart_ReturnsAUrlWithThePartsExactSignedLength()
    {
        var (key, uploadId) = await CreateAsync();

        var response = await _app.As("alice").GetAsync(PartUrl(uploadId, "3", key));

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("url", "expires");
        var url = body.GetProperty("url").GetString()!;
        url.Should().StartWith($"{DirectUploadApp.ServiceUrl}/{DirectUploadApp.Bucket}/{key}?");
        var query = Http.Query(url);
        query["partNumber"].Should().Be("3");
        query["uploadId"].Should().Be(UploadId);
        query["X-Amz-SignedHeaders"].Split(';').Should().Contain("content-length");
        body.GetProperty("expires").GetInt64().Should().BePositive();
        _app.ShouldHaveCalledNoS3();
    }

    [Fact]
    public async Task SignPartOfAnotherUsersUpload_Is403AndSignsNothing()
    {
        var (key, uploadId) = await CreateAsync();

        var response = await _app.As("mallory").GetAsync(PartUrl(uploadId, "1", key));

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("videos/users/mallory/x.mp4")]
    [InlineData("")]
    public async Task SignPartWithAKeyThatIsNotTheTokens_Is400InvalidToken(string otherKey)
    {
        var (_, uploadId) = await CreateAsync();

        var response = await _app.As("alice").GetAsync(PartUrl(uploadId, "1", otherKey));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Fact]
    public async Task SignPartWithARawStoreUploadIdOrATamperedToken_Is400InvalidToken()
    {
        var (key, uploadId) = await CreateAsync();

        foreach (var forged in new[] { UploadId, Http.Tamper(uploadId), uploadId + "x" })
        {
            var response = await _app.As("alice").GetAsync(PartUrl(forged, "1", key));
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        }

        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    [InlineData("10001")]
    [InlineData("01")]
    [InlineData("-1")]
    [InlineData("1e1")]
    [InlineData("2147483648")]
    public async Task SignPartOutsideTheUploadsParts_Is400InvalidPartNumber(string partNumber)
    {
        var (key, uploadId) = await CreateAsync();

        var response = await _app.As("alice").GetAsync(PartUrl(uploadId, partNumber, key));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_part_number");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    // ---------------------------------------------------------------- list, complete, abort

    [Fact]
    public async Task ListParts_AnswersInS3sPascalCaseForTheOwnerOnly()
    {
        var (key, uploadId) = await CreateAsync();
        SetupStoredParts();

        var denied = await _app.As("mallory").GetAsync($"{Base}/multipart/{Uri.EscapeDataString(uploadId)}?key={Uri.EscapeDataString(key)}");
        await denied.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        _app.S3.Verify(s => s.ListPartsAsync(It.IsAny<ListPartsRequest>(), It.IsAny<CancellationToken>()), Times.Never());

        var response = await _app.As("alice").GetAsync($"{Base}/multipart/{Uri.EscapeDataString(uploadId)}?key={Uri.EscapeDataString(key)}");
        var parts = (await response.ShouldBeJsonAsync()).EnumerateArray().ToList();
        parts.Should().HaveCount(3);
        parts[0].MemberNames().Should().Equal("PartNumber", "ETag", "Size");
        parts.Select(p => p.GetProperty("Size").GetInt64()).Should().Equal(PartSizes);
    }

    [Fact]
    public async Task Complete_ChecksThePartsAndSizeAndReturnsLocationAndKey()
    {
        var (key, uploadId) = await CreateAsync();
        SetupStoredParts();
        _app.S3.SetupComplete("\"final-3\"");
        _app.S3.SetupHeadAfterComplete(key, Total, "video/mp4", "\"final-3\"");

        var response = await _app.As("alice").PostJsonAsync(CompleteUrl(uploadId, key), new { parts = UppyParts("\"e1\"", "\"e2\"", "\"e3\"") });

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("location", "key");
        body.GetProperty("key").GetString().Should().Be(key);
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.Is<CompleteMultipartUploadRequest>(r => r.UploadId == UploadId && r.Key == key), It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task CompleteWithAMissingOrResizedPart_IsRefusedAndNotCompleted()
    {
        var (key, uploadId) = await CreateAsync();
        _app.S3.SetupListParts(UploadId, [S3Replies.Part(1, PartSizes[0], "\"e1\""), S3Replies.Part(2, PartSizes[1] - 1, "\"e2\""), S3Replies.Part(3, PartSizes[2], "\"e3\"")]);

        var response = await _app.As("alice").PostJsonAsync(CompleteUrl(uploadId, key), new { parts = UppyParts("\"e1\"", "\"e2\"", "\"e3\"") });

        response.IsSuccessStatusCode.Should().BeFalse();
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        _app.S3.Verify(s => s.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task CompleteOrAbortOfAnotherUsersUpload_Is403AndTouchesNothing()
    {
        var (key, uploadId) = await CreateAsync();

        var complete = await _app.As("mallory").PostJsonAsync(CompleteUrl(uploadId, key), new { parts = UppyParts("\"e1\"", "\"e2\"", "\"e3\"") });
        await complete.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var abort = await _app.As("mallory").DeleteAsync($"{Base}/multipart/{Uri.EscapeDataString(uploadId)}?key={Uri.EscapeDataString(key)}");
        await abort.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var wrongKey = await _app.As("alice").DeleteAsync($"{Base}/multipart/{Uri.EscapeDataString(uploadId)}?key=videos%2Fusers%2Fbob%2Fb.mp4");
        await wrongKey.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");

        _app.S3.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AbortByTheOwner_AbortsTheUpload()
    {
        var (key, uploadId) = await CreateAsync();
        _app.S3.SetupAbort();

        var response = await _app.As("alice").DeleteAsync($"{Base}/multipart/{Uri.EscapeDataString(uploadId)}?key={Uri.EscapeDataString(key)}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        _app.S3.Verify(s => s.AbortMultipartUploadAsync(It.Is<AbortMultipartUploadRequest>(r => r.UploadId == UploadId && r.Key == key), It.IsAny<CancellationToken>()), Times.Once());
    }

    // ---------------------------------------------------------------- params (single uploads)

    [Fact]
    public async Task Params_IssuesAPostPolicyOfTheSingleUploadProfile()
    {
        var response = await _app.Anonymous().GetAsync($"{Base}/params?filename=a.pdf&type=application%2Fpdf&metadata%5Bsize%5D=4096&metadata%5Bname%5D=a.pdf");

        var body = await response.ShouldBeJsonAsync();
        body.MemberNames().Should().Equal("method", "url", "fields", "expires");
        body.GetProperty("method").GetString().Should().Be("POST");
        body.GetProperty("fields").GetProperty("key").GetString().Should().StartWith("docs/");
        body.GetProperty("fields").GetProperty("Content-Type").GetString().Should().Be("application/pdf");
        _app.ShouldHaveCalledNoS3();
    }

    [Theory]
    [InlineData("")]
    [InlineData("&metadata%5Bsize%5D=")]
    [InlineData("&metadata%5Bsize%5D=abc")]
    [InlineData("&metadata%5Bsize%5D=1&metadata%5Bsize%5D=2")]
    public async Task ParamsWithoutASingleValidSize_Is400InvalidSize(string size)
    {
        var response = await _app.Anonymous().GetAsync($"{Base}/params?filename=a.pdf&type=application%2Fpdf{size}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_size");
        _app.ShouldHaveSignedNothingAndCalledNoS3();
    }

    // ---------------------------------------------------------------- helpers of the adapter

    [Theory]
    [InlineData(1L, null, 5L * 1024 * 1024)]
    [InlineData(300L * 1024 * 1024, null, 5L * 1024 * 1024)]
    [InlineData(100_000L * 1024 * 1024, null, 10_485_760L)]
    [InlineData(100_000L * 1024 * 1024 + 1, null, 10_485_761L)]
    [InlineData(300L * 1024 * 1024, 8L * 1024 * 1024, 8L * 1024 * 1024)]
    [InlineData(300L * 1024 * 1024, 1024L, 5L * 1024 * 1024)]
    [InlineData(100_000L * 1024 * 1024, 6L * 1024 * 1024, 10_485_760L)]
    public void UppyChunkSize_IsUppysChunking(long size, long? chunkSize, long expected) =>
        UppyCompanionEndpoints.UppyChunkSize(size, chunkSize).Should().Be(expected);

    [Fact]
    public void ToReasonPhrase_KeepsVisibleAsciiOnly()
    {
        var phrase = UppyCompanionEndpoints.ToReasonPhrase("Bad\r\nSet-Cookie: x=1 – size … ‘a’ é\0" + new string('x', 300));

        phrase.Should().NotContainAny("\r", "\n", "\0").And.StartWith("Bad  Set-Cookie: x=1 - size . 'a'");
        phrase.Length.Should().BeLessThanOrEqualTo(200);
        phrase.Should().MatchRegex("^[ -~]*$");
    }

    private static object Create(string filename, string type, long size) => new { filename, type, metadata = new { name = filename, size } };

    private static object[] UppyParts(params string[] etags) => etags.Select((e, i) => (object)new { PartNumber = i + 1, ETag = e }).ToArray();

    private static string PartUrl(string uploadId, string partNumber, string key) =>
        $"{Base}/multipart/{Uri.EscapeDataString(uploadId)}/{Uri.EscapeDataString(partNumber)}?key={Uri.EscapeDataString(key)}";

    private static string CompleteUrl(string uploadId, string key) => $"{Base}/multipart/{Uri.EscapeDataString(uploadId)}/complete?key={Uri.EscapeDataString(key)}";

    private void SetupStoredParts() =>
        _app.S3.SetupListParts(UploadId, [S3Replies.Part(1, PartSizes[0], "\"e1\""), S3Replies.Part(2, PartSizes[1], "\"e2\""), S3Replies.Part(3, PartSizes[2], "\"e3\"")]);

    private async Task<(string Key, string UploadId)> CreateAsync()
    {
        var body = await (await _app.As("alice").PostJsonAsync($"{Base}/multipart", Create("a.mp4", "video/mp4", Total))).ShouldBeJsonAsync();
        _app.ResetS3Calls();
        _app.Credentials.Calls.Should().Be(0, "starting signs nothing");
        return (body.GetProperty("key").GetString()!, body.GetProperty("uploadId").GetString()!);
    }
}
