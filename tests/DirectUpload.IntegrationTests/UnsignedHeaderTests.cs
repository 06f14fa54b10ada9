using System.Net;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Issue 8, item 6: Ceph RGW honours <c>x-amz-*</c> headers a grant holder adds to a presigned PUT (AWS refuses them). Each
/// test adds one such header to the attacker's own, otherwise honest, grant and shows it no longer takes effect: grants are
/// signed by the write-only identity (no copy source can be read), sign a canned ACL (no other ACL or grant header is
/// accepted) and sign empty tagging / website-redirect headers (no other value is accepted).
/// </summary>
[Collection(RealS3.Name)]
public sealed class UnsignedHeaderTests
{
    private const string AllUsers = "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"";
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;
    private readonly IUploadPolicyIssuer _issuer;

    public UnsignedHeaderTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
        _prefix = s3.NewPrefix("unsigned-headers");
        var services = s3.CreateServices(
            b => b.AddS3PresignedPut("photos", p =>
            {
                p.KeyPrefix = _prefix;
                p.ScopeToOwner = true;
                p.AllowedContentTypes.Add("image/png");
                p.MaxSizeBytes = 4096;
            }),
            writeOnlySigning: true);
        _issuer = services.GetRequiredService<IUploadPolicyIssuer>();
    }

    [Fact]
    public async Task CopySourceOfAVictimsPrivateObject_IsRefused()
    {
        var victimKey = _prefix + "users/victim/private.png";
        var secret = TestData.Bytes(64);
        await _s3.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = _s3.Bucket, Key = victimKey, InputStream = new MemoryStream(secret), ContentType = "image/png",
        });

        var (grant, body) = await IssueAsync();
        var reply = await SendAsync(grant, body, ("x-amz-copy-source", $"/{_s3.Bucket}/{victimKey}"));

        // the write-only signer may not read the source (before: 200 and a copy of the victim's photo under the attacker's key)
        reply.ShouldBeRefused([403], "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Theory]
    [InlineData("x-amz-acl", "public-read")]
    [InlineData("x-amz-acl", "public-read-write")]
    [InlineData("x-amz-grant-read", AllUsers)]
    [InlineData("x-amz-grant-full-control", AllUsers)]
    [InlineData("x-amz-grant-read-acp", AllUsers)]
    [InlineData("x-amz-grant-write-acp", AllUsers)]
    public async Task AclHeaders_AreRefusedAndTheObjectStaysPrivate(string header, string value)
    {
        var (grant, body) = await IssueAsync();
        var reply = await SendAsync(grant, body, (header, value));

        // a second x-amz-acl breaks the signature; a grant header next to the signed canned ACL is an invalid request
        reply.ShouldBeRefused([400, 403], "SignatureDoesNotMatch", "InvalidRequest", "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
        using var anonymous = await _s3.Http.GetAsync(new Uri(PublicUrl(grant.Key)));
        anonymous.StatusCode.Should().Be(HttpStatusCode.Forbidden, "an anonymous reader must not get the object");
        grant.Headers.Should().Contain("x-amz-acl", "bucket-owner-full-control");
    }

    [Fact]
    public async Task TaggingHeader_IsRefused()
    {
        var (grant, body) = await IssueAsync();
        (await SendAsync(grant, body, ("x-amz-tagging", "public=yes"))).ShouldBeRefused([403], "SignatureDoesNotMatch");
        await _s3.ShouldNotExistAsync(grant.Key);

        await ThenTheHonestUploadSucceedsAsync(grant, body);
        var tags = await _s3.S3.GetObjectTaggingAsync(new Amazon.S3.Model.GetObjectTaggingRequest { BucketName = _s3.Bucket, Key = grant.Key });
        tags.Tagging.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task WebsiteRedirectHeader_IsRefused()
    {
        var (grant, body) = await IssueAsync();
        (await SendAsync(grant, body, ("x-amz-website-redirect-location", "https://evil.example/"))).ShouldBeRefused([403], "SignatureDoesNotMatch");
        await _s3.ShouldNotExistAsync(grant.Key);

        await ThenTheHonestUploadSucceedsAsync(grant, body);
        var head = await _s3.S3.GetObjectMetadataAsync(_s3.Bucket, grant.Key);
        head.WebsiteRedirectLocation.Should().BeNullOrEmpty();
    }

    [Theory]
    [InlineData("x-amz-storage-class", "GLACIER")]
    [InlineData("x-amz-server-side-encryption", "AES256")]
    public async Task StorageHeaders_DoNotTakeEffect(string header, string value)
    {
        // not signed by default; RGW 16.2 refuses these (400) on our setup rather than applying them
        var (grant, body) = await IssueAsync();
        var reply = await SendAsync(grant, body, (header, value));
        _output.WriteLine($"{header}: {reply}");
        if (reply.StatusCode < 300)
        {
            var head = await _s3.RawHeadersAsync(grant.Key);
            head.Should().NotContain(header, value);
        }
        else
        {
            reply.ShouldBeRefused([400, 403], "InvalidArgument", "InvalidRequest", "InvalidStorageClass", "AccessDenied");
            await _s3.ShouldNotExistAsync(grant.Key);
        }
    }

    [Fact]
    public async Task CopySourceOnAPartUrl_IsRefused()
    {
        var services = _s3.CreateServices(
            b => b.AddProfile("big", p =>
            {
                p.Method = UploadMethod.Multipart;
                p.PartSizeBytes = 5L * 1024 * 1024;
                p.KeyPrefix = _prefix;
                p.AllowedContentTypes.Add("application/octet-stream");
                p.MaxSizeBytes = 64L * 1024 * 1024;
            }),
            writeOnlySigning: true);
        var victimKey = _prefix + "victim-big.bin";
        await _s3.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = _s3.Bucket, Key = victimKey, ContentBody = "victim data" });
        using var scope = services.CreateScope();
        var multipart = scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
        var started = await multipart.StartAsync(new UploadRequest { Profile = "big", FileName = "a.bin", ContentType = "application/octet-stream", Size = 6L * 1024 * 1024 });
        var parts = await multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "big", Token = started.Token, PartNumbers = [2] });
        try
        {
            // UploadPartCopy: the part URL plus a copy source (the body is what the URL signed, so only the copy is new)
            var headers = parts[0].Headers.Append(new("x-amz-copy-source", $"/{_s3.Bucket}/{victimKey}"));
            using var request = GrantFollower.BuildPut(HttpMethod.Put, parts[0].Url, headers, TestData.Bytes((int)parts[0].Size));
            var reply = await _s3.Follower.SendAsync(request);
            _output.WriteLine($"UploadPartCopy → {reply}");
            reply.ShouldBeRefused([403], "AccessDenied");
            (await multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = started.Token })).Should().BeEmpty();
        }
        finally
        {
            await multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = started.Token });
        }
    }

    private string PublicUrl(string key) =>
        $"{_s3.Endpoint}/{_s3.Bucket}/{Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal)}";

    private async Task<(UploadGrant Grant, byte[] Body)> IssueAsync()
    {
        var body = TestData.Bytes(100);
        var grant = await _issuer.IssueAsync(new UploadRequest
        {
            Profile = "photos", FileName = "p.png", ContentType = "image/png", Size = body.Length, OwnerId = "attacker",
        });
        return (grant, body);
    }

    private async Task<S3Reply> SendAsync(UploadGrant grant, byte[] body, (string Name, string Value) extra)
    {
        using var request = GrantFollower.BuildPut(HttpMethod.Put, grant.Url, [.. grant.Headers, new(extra.Name, extra.Value)], body);
        var reply = await _s3.Follower.SendAsync(request);
        _output.WriteLine($"PUT + {extra.Name} → {reply}");
        return reply;
    }

    private async Task ThenTheHonestUploadSucceedsAsync(UploadGrant grant, byte[] body)
    {
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(grant.Key, body, "image/png");
    }
}
