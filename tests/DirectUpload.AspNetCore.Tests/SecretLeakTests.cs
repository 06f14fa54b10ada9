using System.Net;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Moq;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>No error response (nor log line) ever carries the token signing key or the AWS secret.</summary>
public sealed class SecretLeakTests : IDisposable
{
    private readonly DirectUploadApp _app = new(S3Mode.Mock);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ErrorResponses_NeverContainTheTokenKeyOrTheAwsSecret()
    {
        _app.S3.SetupInitiate("upload-1");
        var alice = _app.As("alice");
        var grant = await (await alice.PostJsonAsync("/uploads/photos", Http.Grant())).ShouldBeJsonAsync();
        var key = grant.GetProperty("key").GetString()!;
        var token = grant.GetProperty("token").GetString()!;
        var start = await (await alice.PostJsonAsync("/uploads/videos/multipart", Http.Grant("a.mp4", "video/mp4", 12 * DirectUploadApp.MiB))).ShouldBeJsonAsync();
        var multipartToken = start.GetProperty("token").GetString()!;
        _app.S3.SetupHead(key, 1, "text/html");
        _app.S3.SetupDelete();
        _app.S3.SetupListPartsThrows(S3Replies.InternalError());
        _app.S3.Setup(s => s.AbortMultipartUploadAsync(It.IsAny<Amazon.S3.Model.AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(S3Replies.InternalError());

        var responses = new List<HttpResponseMessage>
        {
            await alice.PostJsonAsync("/uploads/photos", Http.Grant(size: 5_000_000)),
            await alice.PostJsonAsync("/uploads/photos", Http.Grant(contentType: "text/html")),
            await alice.PostRawAsync("/uploads/photos", "{nope"),
            await alice.PostJsonAsync("/uploads/nope", Http.Grant()),
            await _app.Anonymous().PostJsonAsync("/uploads/photos", Http.Grant()),
            await alice.PostJsonAsync("/uploads/staff", Http.Grant()),
            await alice.PostJsonAsync("/uploads/photos/complete", new { token }),
            await alice.PostJsonAsync("/uploads/photos/complete", new { token = Http.Tamper(token) }),
            await _app.As("bob").PostJsonAsync("/uploads/photos/complete", new { token }),
            await alice.PostJsonAsync("/uploads/videos/multipart/parts", new { token = multipartToken, partNumbers = new[] { 99 } }),
            await alice.GetAsync($"/uploads/videos/multipart/parts?token={Uri.EscapeDataString(multipartToken)}"),
            await alice.DeleteAsync($"/uploads/videos/multipart?token={Uri.EscapeDataString(multipartToken)}"),
            await alice.GetAsync("/uploads/photos/download?key=other/x.jpg"),
        };

        var secrets = new[]
        {
            DirectUploadApp.SecretKey,
            DirectUploadApp.TokenKey,
            Convert.ToHexString(Convert.FromBase64String(DirectUploadApp.TokenKey)),
            System.Buffers.Text.Base64Url.EncodeToString(Convert.FromBase64String(DirectUploadApp.TokenKey)),
            S3Replies.RequestId,
            S3Replies.StoreMessage,
        };
        foreach (var response in responses)
        {
            ((int)response.StatusCode).Should().BeGreaterThanOrEqualTo(400);
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
            var body = await response.Content.ReadAsStringAsync();
            var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
            foreach (var secret in secrets)
            {
                body.Should().NotContainEquivalentOf(secret);
                headers.Should().NotContainEquivalentOf(secret);
            }

            body.Should().NotContain("X-Amz-Signature").And.NotContain("x-amz-signature");
        }

        responses.Select(r => r.StatusCode).Should().Contain([
            HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest, HttpStatusCode.NotFound,
            HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.UnprocessableEntity, HttpStatusCode.BadGateway]);

        // nor do the logs, at any level
        _app.Logs.Records.Should().NotBeEmpty();
        foreach (var record in _app.Logs.Records)
        {
            record.Message.Should().NotContain(DirectUploadApp.SecretKey).And.NotContain(DirectUploadApp.TokenKey);
        }
    }
}
