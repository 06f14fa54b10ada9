using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Issue 8, items 1, 2 and 5 on the real S3: comma media types are never granted; tokens signed with the app's own key
/// but naming keys the profile could not have issued touch nothing; and an object stored with headers its grant did not
/// give it (RGW stores unsigned ones) is refused and deleted by confirmation.
/// </summary>
[Collection(RealS3.Name)]
public sealed class TrustGapTests : IDisposable
{
    private readonly S3Fixture _s3;
    private readonly string _prefix;
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly IUploadPolicyIssuer _issuer;
    private readonly IUploadConfirmationService _confirmation;
    private readonly IMultipartUploadService _multipart;
    private readonly IUploadTokenService _tokens;

    public TrustGapTests(S3Fixture s3)
    {
        _s3 = s3;
        _prefix = s3.NewPrefix("trust");
        _services = s3.CreateServices(b => b
            .AddS3PresignedPut("photos", p =>
            {
                p.KeyPrefix = _prefix + "photos/";
                p.AllowedContentTypes.Add("image/png");
                p.ScopeToOwner = true;
                p.MaxSizeBytes = 4096;
            })
            .AddS3PresignedPost("documents", p =>
            {
                p.KeyPrefix = _prefix + "documents/";
                p.AllowedContentTypes.Add("text/plain");
                p.MaxSizeBytes = 4096;
            })
            .AddS3PresignedPut("stamped", p =>
            {
                p.KeyPrefix = _prefix + "stamped/";
                p.AllowedContentTypes.Add("text/plain");
                p.Metadata["app"] = "it";
                p.AllowedMetadataKeys.Add("album");
                p.CacheControl = "private, max-age=60";
                p.ContentDisposition = "attachment";
                p.MaxSizeBytes = 4096;
            })
            .AddProfile("large", p =>
            {
                p.Method = UploadMethod.Multipart;
                p.KeyPrefix = _prefix + "large/";
                p.AllowedContentTypes.Add("*/*");
                p.MaxSizeBytes = 1L << 30;
            }));
        _scope = _services.CreateScope();
        _issuer = _scope.ServiceProvider.GetRequiredService<IUploadPolicyIssuer>();
        _confirmation = _scope.ServiceProvider.GetRequiredService<IUploadConfirmationService>();
        _multipart = _scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
        _tokens = _scope.ServiceProvider.GetRequiredService<IUploadTokenService>();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    // ── item 1: a media type with a comma is never granted, so no object with it can exist ──────────────────────────

    [Theory]
    [InlineData("documents", "text/plain; a=,text/html", null)]
    [InlineData("documents", "text/plain;,text/html", null)]
    [InlineData("photos", "image/png; x=,text/html", "alice")]
    [InlineData("photos", "image/png, text/html", "alice")]
    public async Task CommaMediaType_IsRefusedAndNothingIsStored(string profile, string contentType, string? owner)
    {
        var act = () => _issuer.IssueAsync(new UploadRequest { Profile = profile, FileName = "x.txt", ContentType = contentType, Size = 10, OwnerId = owner }).AsTask();
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Code.Should().Be("invalid_content_type");

        var listed = await _s3.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _s3.Bucket, Prefix = _prefix + profile + "/" });
        (listed.S3Objects ?? []).Should().BeEmpty("nothing was signed, so nothing can have been stored");
    }

    [Fact]
    public async Task GrantedType_IsTheNormalizedOneAndAClientCannotSwapInACommaList()
    {
        var body = TestData.Bytes(100);
        var grant = await _issuer.IssueAsync(new UploadRequest { Profile = "documents", FileName = "a.txt", ContentType = "Text/Plain; Charset=UTF-8", Size = body.Length });
        grant.Fields["Content-Type"].Should().Be("text/plain;charset=utf-8");

        // the policy binds the exact type: the attack string is refused by the store itself
        var tampered = grant.Fields.Select(f => f.Key == "Content-Type" ? new KeyValuePair<string, string>(f.Key, "text/plain;charset=utf-8,text/html") : f).ToList();
        using (var request = GrantFollower.BuildPost(grant.Url, tampered, body))
        {
            (await _s3.Follower.SendAsync(request)).StatusCode.Should().Be(403);
        }

        await ShouldBeGoneAsync(grant.Key);
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.NoContent);
        (await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "documents", Token = grant.Token })).ContentType.Should().Be("text/plain;charset=utf-8");
    }

    // ── item 2: forged tokens (signed with the app's key) naming keys the profile could not have issued ──────────────

    [Fact]
    public async Task ForgedConfirmTokensOutsideThePrefixOrOwnerFolder_TouchNothing()
    {
        var victims = new[]
        {
            _prefix + "photos/users/alice/secret.png",   // another owner's photo
            _prefix + "elsewhere/secret.png",            // outside every profile
            _prefix + "photos/users/alice/../secret.png",
        };
        foreach (var key in victims.Take(2))
        {
            await PutVictimAsync(key);
        }

        foreach (var key in victims)
        {
            // size 7 on a 3000-byte object: before the fix, a mismatch that deleted the victim's object
            var photo = Forge("photos", key, owner: "mallory");
            var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = photo, OwnerId = "mallory" });
            var e = (await act.Should().ThrowAsync<UploadRejectedException>()).Which;
            e.Reason.Should().BeOneOf(UploadRejectionReason.Forbidden, UploadRejectionReason.InvalidToken);
            e.Message.Should().NotContain("3000").And.NotContain("bytes");

            var ownerless = Forge("photos", key, owner: null);
            act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = ownerless });
            (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().BeOneOf(UploadRejectionReason.Forbidden, UploadRejectionReason.InvalidToken);

            // a photo moved into the public documents list
            var document = Forge("documents", key, owner: null);
            act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "documents", Token = document });
            (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }

        foreach (var key in victims.Take(2))
        {
            await ShouldExistAsync(key);
        }
    }

    [Fact]
    public async Task ForgedMultipartTokensNamingAnotherKey_SignListCompleteAndAbortNothing()
    {
        var victim = _prefix + "photos/users/alice/secret.png";
        await PutVictimAsync(victim);
        var started = await _s3.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _s3.Bucket, Key = victim });
        try
        {
            var token = Forge("large", victim, owner: null, uploadId: started.UploadId, partSize: 8L * 1024 * 1024);
            var sign = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, PartNumbers = [1] }).AsTask();
            (await sign.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
            var list = () => _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "large", Token = token });
            (await list.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
            var complete = () => _multipart.CompleteAsync(new MultipartCompleteRequest { Profile = "large", Token = token, Parts = [new DirectUpload.PartETag { PartNumber = 1, ETag = "x" }] });
            (await complete.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
            var abort = () => _multipart.AbortAsync(new UploadTokenRequest { Profile = "large", Token = token });
            (await abort.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);

            // the victim's object and its pending upload are untouched
            await ShouldExistAsync(victim);
            var uploads = await _s3.S3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _s3.Bucket, Prefix = victim });
            (uploads.MultipartUploads ?? []).Select(u => u.UploadId).Should().Contain(started.UploadId);
        }
        finally
        {
            await _s3.S3.AbortMultipartUploadAsync(_s3.Bucket, victim, started.UploadId);
        }
    }

    // ── item 5: confirmation compares what was stored with what was granted ──────────────────────────────────────────

    [Theory]
    [InlineData("Content-Encoding", "gzip")]
    [InlineData("Content-Disposition", "inline; filename=\"x.html\"")]
    [InlineData("Cache-Control", "public, max-age=31536000")]
    [InlineData("Content-Language", "de")]
    [InlineData("Expires", "Thu, 01 Dec 2044 16:00:00 GMT")]
    [InlineData("x-amz-meta-x", "1")]
    public async Task UnsignedHeaderStoredWithAPut_IsRefusedAndDeleted(string header, string value)
    {
        var body = TestData.Bytes(200);
        var grant = await _issuer.IssueAsync(new UploadRequest { Profile = "photos", FileName = "p.png", ContentType = "image/png", Size = body.Length, OwnerId = "alice" });
        using (var request = GrantFollower.BuildPut(HttpMethod.Put, grant.Url, grant.Headers.Append(new(header, value)), body))
        {
            var reply = await _s3.Follower.SendAsync(request);
            if (grant.Headers.ContainsKey(header))
            {
                // the grant signs it (empty Cache-Control with SealObjectHeaders, issue 8.6): S3 itself refuses another value
                reply.ShouldBeRefused([403], "SignatureDoesNotMatch");
                await _s3.ShouldNotExistAsync(grant.Key);
                return;
            }

            if (!_s3.IsRgw && reply.StatusCode == 403)
            {
                return; // AWS refuses unsigned x-amz-* headers itself
            }

            reply.ShouldSucceed(HttpStatusCode.OK);
        }

        // the attack works on the store: the header the grant did not sign was stored with the object
        var head = await _s3.S3.GetObjectMetadataAsync(_s3.Bucket, grant.Key);
        var stored = header.StartsWith("x-amz-meta-", StringComparison.Ordinal) ? head.Metadata[header] : header == "Expires" ? head.ExpiresString ?? head.Headers["Expires"] : head.Headers[header];
        stored.Should().NotBeNullOrEmpty($"the store kept the unsigned {header}");

        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = grant.Token, OwnerId = "alice" });
        var e = (await act.Should().ThrowAsync<UploadRejectedException>()).Which;
        e.Reason.Should().Be(UploadRejectionReason.MetadataMismatch);
        e.Message.Should().NotContain(value);
        await ShouldBeGoneAsync(grant.Key);
    }

    [Fact]
    public async Task ObjectStoredExactlyAsGrantedWithMetadataAndHeaders_Confirms()
    {
        var body = TestData.Bytes(300);
        var grant = await StampedGrantAsync(body, "Album");
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);
        (await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "stamped", Token = grant.Token })).Size.Should().Be(body.Length);
    }

    [Fact]
    public async Task GrantedMetadataWithAnotherValue_IsRefused()
    {
        var body = TestData.Bytes(300);
        var grant = await StampedGrantAsync(body, "album");

        // the same object written by someone holding the bucket's keys, with other metadata: the grant does not describe it
        var put = new PutObjectRequest { BucketName = _s3.Bucket, Key = grant.Key, InputStream = new MemoryStream(body), ContentType = "text/plain" };
        put.Metadata["app"] = "it";
        put.Metadata["album"] = "winter";
        put.Headers.CacheControl = "private, max-age=60";
        put.Headers.ContentDisposition = "attachment";
        await _s3.S3.PutObjectAsync(put);

        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "stamped", Token = grant.Token });
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.MetadataMismatch);
        await ShouldBeGoneAsync(grant.Key);
    }

    private async Task<UploadGrant> StampedGrantAsync(byte[] body, string albumKey) =>
        await _issuer.IssueAsync(new UploadRequest
        {
            Profile = "stamped",
            FileName = "n.txt",
            ContentType = "text/plain",
            Size = body.Length,
            Metadata = new Dictionary<string, string> { [albumKey] = "summer" },
        });

    private string Forge(string profile, string key, string? owner, string? uploadId = null, long partSize = 0) =>
        _tokens.CreateToken(new UploadTicket
        {
            Profile = profile,
            Key = key,
            OwnerId = owner,
            Size = 7,
            ContentType = profile == "photos" ? "image/png" : profile == "documents" ? "text/plain" : "application/octet-stream",
            ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
            UploadId = uploadId,
            PartSize = partSize,
        });

    private async Task PutVictimAsync(string key) =>
        await _s3.S3.PutObjectAsync(new PutObjectRequest { BucketName = _s3.Bucket, Key = key, InputStream = new MemoryStream(TestData.Bytes(3000)), ContentType = "image/png" });

    private async Task ShouldExistAsync(string key) =>
        (await _s3.S3.GetObjectMetadataAsync(_s3.Bucket, key)).ContentLength.Should().Be(3000, "the victim's object must survive");

    private async Task ShouldBeGoneAsync(string key)
    {
        var head = () => _s3.S3.GetObjectMetadataAsync(_s3.Bucket, key);
        (await head.Should().ThrowAsync<AmazonS3Exception>()).Which.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
