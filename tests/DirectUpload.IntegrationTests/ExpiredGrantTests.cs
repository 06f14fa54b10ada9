using System.Net;
using DirectUpload.IntegrationTests.Infrastructure;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// A grant stops working when it expires, on the store's own clock: a real wait (profile Expiry = 2 s, used ~3 s later).
/// Both grants are issued together and share one wait, so the suite pays it once.
/// </summary>
[Collection(RealS3.Name)]
public sealed class ExpiredGrantTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(2);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Expired? _expired;
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;

    public ExpiredGrantTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
    }

    [Fact]
    public async Task ExpiredPutGrant_IsRefused()
    {
        var expired = await ExpiredGrantsAsync();

        var reply = await _s3.Follower.FollowAsync(expired.Put, expired.Body);
        _output.WriteLine($"PUT {(DateTimeOffset.UtcNow - expired.Put.ExpiresAt).TotalSeconds:0.0} s after expiry → {reply}");
        reply.ShouldBeRefused([403], "AccessDenied");
        await _s3.ShouldNotExistAsync(expired.Put.Key);

        await ThenAFreshGrantOfTheSameProfileWorksAsync(expired.Issuer, "put", HttpStatusCode.OK);
    }

    [Fact]
    public async Task ExpiredPostGrant_IsRefused()
    {
        var expired = await ExpiredGrantsAsync();

        var reply = await _s3.Follower.FollowAsync(expired.Post, expired.Body);
        _output.WriteLine($"POST {(DateTimeOffset.UtcNow - expired.Post.ExpiresAt).TotalSeconds:0.0} s after expiry → {reply}");
        reply.ShouldBeRefused([403], "AccessDenied");
        await _s3.ShouldNotExistAsync(expired.Post.Key);

        await ThenAFreshGrantOfTheSameProfileWorksAsync(expired.Issuer, "post", HttpStatusCode.NoContent);
    }

    private static UploadRequest Request(string profile) =>
        new() { Profile = profile, FileName = "late.bin", ContentType = "application/octet-stream", Size = 32 };

    private async Task<Expired> ExpiredGrantsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_expired is null)
            {
                var prefix = _s3.NewPrefix("expiry");
                var issuer = _s3.CreateIssuer(b => b
                    .AddS3PresignedPut("put", p => { p.KeyPrefix = prefix; p.AllowedContentTypes.Add("*/*"); p.Expiry = Expiry; })
                    .AddS3PresignedPost("post", p => { p.KeyPrefix = prefix; p.AllowedContentTypes.Add("*/*"); p.Expiry = Expiry; }));
                var put = await issuer.IssueAsync(Request("put"));
                var post = await issuer.IssueAsync(Request("post"));
                TestData.QueryValue(put.Url, "X-Amz-Expires").Should().Be("2");
                TestData.FromBase64Utf8(post.Fields["policy"]).Should().Contain($"\"expiration\":\"{post.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\"");

                // a second past expiry, on the store's clock (same machine): ~3 s after issuing
                var wait = new[] { put.ExpiresAt, post.ExpiresAt }.Max() + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                _expired = new Expired(issuer, put, post, TestData.Bytes(32));
            }

            return _expired;
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task ThenAFreshGrantOfTheSameProfileWorksAsync(IUploadPolicyIssuer issuer, string profile, HttpStatusCode expected)
    {
        var body = TestData.Bytes(32);
        var grant = await issuer.IssueAsync(Request(profile));
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(expected);
        await _s3.ShouldHoldAsync(grant.Key, body);
    }

    private sealed record Expired(IUploadPolicyIssuer Issuer, UploadGrant Put, UploadGrant Post, byte[] Body);
}
