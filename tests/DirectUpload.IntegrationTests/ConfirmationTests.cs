using System.Net;
using Amazon.S3;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Confirmation against the real S3: a grant followed honestly confirms (and calls the host's hook); an object that
/// does not match its grant is refused and deleted, including content that does not match the granted Content-MD5 on a
/// POST, which Ceph RGW itself lets through (docs/security.md, caveat 2).
/// </summary>
[Collection(RealS3.Name)]
public sealed class ConfirmationTests : IDisposable
{
    private readonly S3Fixture _s3;
    private readonly string _prefix;
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly IUploadPolicyIssuer _issuer;
    private readonly IUploadConfirmationService _confirmation;
    private readonly RecordingHandler _handler = new();

    public ConfirmationTests(S3Fixture s3)
    {
        _s3 = s3;
        _prefix = s3.NewPrefix("confirm");
        _services = s3.CreateServices(b =>
        {
            b.Services.AddSingleton<IUploadCompletedHandler>(_handler);
            b.AddS3PresignedPut("put", p => Configure(p, _prefix + "put/"))
             .AddS3PresignedPost("post", p => Configure(p, _prefix + "post/"));
        });
        _scope = _services.CreateScope();
        _issuer = _scope.ServiceProvider.GetRequiredService<IUploadPolicyIssuer>();
        _confirmation = _scope.ServiceProvider.GetRequiredService<IUploadConfirmationService>();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    [Theory]
    [InlineData("put")]
    [InlineData("post")]
    public async Task UploadThatFollowsItsGrant_ConfirmsIdempotentlyAndCallsTheHook(string profile)
    {
        var body = TestData.Bytes(2000);
        var grant = await _issuer.IssueAsync(Request(profile, body.Length, TestData.Md5(body)));
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(profile == "put" ? HttpStatusCode.OK : HttpStatusCode.NoContent);

        var first = await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = profile, Token = grant.Token });
        var again = await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = profile, Token = grant.Token });

        first.Key.Should().Be(grant.Key);
        first.Size.Should().Be(body.Length);
        first.ContentType.Should().Be("application/octet-stream");
        first.ETag.Trim('"').Should().Be(Convert.ToHexStringLower(Convert.FromBase64String(TestData.Md5(body))));
        again.Should().BeEquivalentTo(first);
        // the hook runs once per object version: the second confirm finds the completion marker
        _handler.Keys.Should().Equal(grant.Key);
    }

    [Fact]
    public async Task NothingUploaded_IsObjectNotFound()
    {
        var grant = await _issuer.IssueAsync(Request("put", 100, md5: null));
        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "put", Token = grant.Token });
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.ObjectNotFound);
        _handler.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task PostUploadSmallerThanDeclared_IsRefusedAndDeleted()
    {
        // a POST policy binds only [min, max]: S3 accepts 500 bytes for a grant that declared 1000
        var body = TestData.Bytes(500);
        var grant = await _issuer.IssueAsync(Request("post", 1000, md5: null));
        using (var request = GrantFollower.BuildPost(grant.Url, grant.Fields, body))
        {
            (await _s3.Follower.SendAsync(request)).ShouldSucceed(HttpStatusCode.NoContent);
        }

        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "post", Token = grant.Token });
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.SizeMismatch);
        await ShouldBeGoneAsync(grant.Key);
        _handler.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task PostUploadWhoseBytesDifferFromTheGrantedMd5_IsRefusedAndDeleted()
    {
        var granted = TestData.Bytes(1500);
        var sent = TestData.Bytes(1500);
        sent[0] ^= 0xFF;
        var grant = await _issuer.IssueAsync(Request("post", granted.Length, TestData.Md5(granted)));
        using (var request = GrantFollower.BuildPost(grant.Url, grant.Fields, sent))
        {
            var reply = await _s3.Follower.SendAsync(request);
            if (!_s3.IsRgw || reply.StatusCode != 204)
            {
                // AWS refuses the body itself (400 BadDigest): then there is nothing to confirm
                reply.StatusCode.Should().Be(400);
                reply.Code.Should().Be("BadDigest");
                return;
            }
        }

        // RGW stored it (it does not check a POST's Content-MD5); confirmation catches it through the ETag
        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "post", Token = grant.Token });
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.ChecksumMismatch);
        await ShouldBeGoneAsync(grant.Key);
        _handler.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task TokenOfAnotherOwnerOrProfile_IsRefusedBeforeAnyStoreCall()
    {
        var body = TestData.Bytes(100);
        var grant = await _issuer.IssueAsync(new UploadRequest { Profile = "put", FileName = "data.bin", ContentType = "application/octet-stream", Size = body.Length, OwnerId = "alice" });
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);

        var otherOwner = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "put", Token = grant.Token, OwnerId = "mallory" });
        (await otherOwner.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.Forbidden);
        var otherProfile = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "post", Token = grant.Token, OwnerId = "alice" });
        (await otherProfile.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);

        (await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "put", Token = grant.Token, OwnerId = "alice" })).Size.Should().Be(100);
    }

    private static void Configure(UploadProfileOptions p, string prefix)
    {
        p.KeyPrefix = prefix;
        p.AllowedContentTypes.Add("application/octet-stream");
        p.MinSizeBytes = 10;
        p.MaxSizeBytes = 4096;
    }

    private static UploadRequest Request(string profile, long size, string? md5) =>
        new() { Profile = profile, FileName = "data.bin", ContentType = "application/octet-stream", Size = size, ContentMd5 = md5 };

    private async Task ShouldBeGoneAsync(string key)
    {
        var head = () => _s3.S3.GetObjectMetadataAsync(_s3.Bucket, key);
        (await head.Should().ThrowAsync<AmazonS3Exception>()).Which.StatusCode.Should().Be(HttpStatusCode.NotFound, "a refused upload is deleted");
    }

    private sealed class RecordingHandler : IUploadCompletedHandler
    {
        private readonly List<string> _keys = [];

        public IReadOnlyList<string> Keys
        {
            get
            {
                lock (_keys)
                {
                    return [.. _keys];
                }
            }
        }

        public ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken)
        {
            lock (_keys)
            {
                _keys.Add(upload.Key);
            }

            return ValueTask.CompletedTask;
        }
    }
}
