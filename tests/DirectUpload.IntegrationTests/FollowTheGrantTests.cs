using System.Net;
using DirectUpload.IntegrationTests.Infrastructure;

namespace DirectUpload.IntegrationTests;

/// <summary>A client that follows a grant blindly succeeds, and the object lands exactly as granted.</summary>
[Collection(RealS3.Name)]
public sealed class FollowTheGrantTests
{
    private const string CacheControl = "private, max-age=60";
    private const string ContentDisposition = "attachment; filename=\"report.pdf\"";
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;
    private readonly IUploadPolicyIssuer _issuer;

    public FollowTheGrantTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
        _prefix = s3.NewPrefix("follow");
        _issuer = s3.CreateIssuer(b => b
            .AddS3PresignedPut("put", p => Configure(p, _prefix + "put/"))
            .AddS3PresignedPost("post", p => Configure(p, _prefix + "post/")));
    }

    [Fact]
    public async Task PutGrantFollowedBlindly_StoresKeyTypeSizeMetadataAndHeaders()
    {
        var body = TestData.Bytes(1500);
        var grant = await _issuer.IssueAsync(Request("put", body));

        grant.Method.Should().Be("PUT");
        grant.Fields.Should().BeEmpty();
        grant.Key.Should().StartWith(_prefix + "put/").And.EndWith(".pdf");
        grant.Url.Should().StartWith($"{_s3.Endpoint}/{_s3.Bucket}/{_prefix}put/");
        grant.Headers.Should().Contain("Content-Length", "1500").And.Contain("Content-Type", "application/pdf")
            .And.Contain("Content-MD5", TestData.Md5(body)).And.Contain("Cache-Control", CacheControl)
            .And.Contain("Content-Disposition", ContentDisposition)
            .And.Contain("x-amz-meta-app", "directupload-it").And.Contain("x-amz-meta-album", "summer");

        var reply = await _s3.Follower.FollowAsync(grant, body);
        _output.WriteLine($"PUT follow: {reply}");
        reply.ShouldSucceed(HttpStatusCode.OK);

        await ShouldBeStoredAsGrantedAsync(grant, body, cacheHeadersStored: true);
    }

    [Fact]
    public async Task PostGrantFollowedBlindly_StoresKeyTypeSizeMetadataAndHeaders()
    {
        var body = TestData.Bytes(1500);
        var grant = await _issuer.IssueAsync(Request("post", body));

        grant.Method.Should().Be("POST");
        grant.Headers.Should().BeEmpty();
        grant.Url.Should().Be($"{_s3.Endpoint}/{_s3.Bucket}");
        grant.Key.Should().StartWith(_prefix + "post/").And.EndWith(".pdf");
        grant.Fields.Keys.Should().Contain(["key", "Content-Type", "Content-MD5", "policy", "x-amz-signature"]);
        grant.Fields.Should().Contain("key", grant.Key).And.Contain("Content-Type", "application/pdf")
            .And.Contain("Cache-Control", CacheControl).And.Contain("Content-Disposition", ContentDisposition)
            .And.Contain("x-amz-meta-app", "directupload-it").And.Contain("x-amz-meta-album", "summer");

        var reply = await _s3.Follower.FollowAsync(grant, body);
        _output.WriteLine($"POST follow: {reply}");
        reply.ShouldSucceed(HttpStatusCode.NoContent); // S3's default success_action_status

        // RGW-vs-AWS: AWS stores the Cache-Control and Content-Disposition form fields of a POST upload as object headers.
        // RGW Pacific does not (RGWPostObj_ObjStore_S3::get_params stores only Content-Type, x-amz-storage-class and
        // x-amz-meta-*): the policy still binds the fields (a changed value is refused, see PostGrantRefusalTests), but the
        // object comes out without them. Asserted both ways so a change on either side shows up here.
        await ShouldBeStoredAsGrantedAsync(grant, body, cacheHeadersStored: !_s3.IsRgw);
    }

    [Fact]
    public async Task PutAndPostGrantsWithoutOptionalParts_WorkToo()
    {
        // the smallest grant: no MD5, no metadata, no cache headers; a 1-byte body at the profile minimum
        var issuer = _s3.CreateIssuer(b => b
            .AddS3PresignedPut("put", p => { p.KeyPrefix = _prefix + "plain-put/"; p.AllowedContentTypes.Add("*/*"); })
            .AddS3PresignedPost("post", p => { p.KeyPrefix = _prefix + "plain-post/"; p.AllowedContentTypes.Add("*/*"); }));
        foreach (var profile in new[] { "put", "post" })
        {
            var body = TestData.Bytes(1);
            var grant = await issuer.IssueAsync(new UploadRequest { Profile = profile, FileName = "a.bin", ContentType = "application/octet-stream", Size = 1 });
            (await _s3.Follower.FollowAsync(grant, body)).StatusCode.Should().BeOneOf(200, 204);
            await _s3.ShouldHoldAsync(grant.Key, body, "application/octet-stream");
        }
    }

    [Theory]
    [InlineData("put")]
    [InlineData("post")]
    public async Task PutGrants_AreSingleUseAndPostGrantsReplayUntilTheyExpire(string profile)
    {
        // PUT grants sign If-None-Match: * (PreventOverwrite, on by default), so the store refuses a replay: 412. A POST
        // policy cannot carry a condition on the key's existence (neither AWS nor RGW has one), so a POST grant is accepted
        // as often as it is sent before it expires; see docs/security.md ("Replays").
        var first = TestData.Bytes(100);
        var second = TestData.Bytes(100).Reverse().ToArray();
        var grant = await _issuer.IssueAsync(new UploadRequest
        {
            Profile = profile,
            FileName = "a.pdf",
            ContentType = "application/pdf",
            Size = 100,
            Metadata = new Dictionary<string, string> { ["album"] = "summer" },
        });

        (await _s3.Follower.FollowAsync(grant, first)).StatusCode.Should().BeOneOf(200, 204);
        var replay = await _s3.Follower.FollowAsync(grant, second);
        if (profile == "put")
        {
            replay.ShouldBeRefused([412], "PreconditionFailed");
            await _s3.ShouldHoldAsync(grant.Key, first, "application/pdf");
        }
        else
        {
            replay.StatusCode.Should().BeOneOf(200, 204);
            await _s3.ShouldHoldAsync(grant.Key, second, "application/pdf");
        }
    }

    private static void Configure(UploadProfileOptions p, string keyPrefix)
    {
        p.KeyPrefix = keyPrefix;
        p.AllowedContentTypes.Add("application/pdf");
        p.MinSizeBytes = 10;
        p.MaxSizeBytes = 4096;
        p.KeepFileName = true;
        p.CacheControl = CacheControl;
        p.ContentDisposition = ContentDisposition;
        p.Metadata["app"] = "directupload-it";
        p.AllowedMetadataKeys.Add("album");
    }

    private static UploadRequest Request(string profile, byte[] body) => new()
    {
        Profile = profile,
        FileName = "Quarterly Report.PDF",
        ContentType = "application/pdf",
        Size = body.Length,
        ContentMd5 = TestData.Md5(body),
        Metadata = new Dictionary<string, string> { ["album"] = "summer" },
    };

    private async Task ShouldBeStoredAsGrantedAsync(UploadGrant grant, byte[] body, bool cacheHeadersStored)
    {
        var stored = await _s3.ShouldHoldAsync(grant.Key, body, "application/pdf");
        var raw = await _s3.RawHeadersAsync(grant.Key);
        if (cacheHeadersStored)
        {
            raw.Should().Contain("Cache-Control", CacheControl).And.Contain("Content-Disposition", ContentDisposition);
        }
        else
        {
            raw.Should().NotContainKey("Cache-Control").And.NotContainKey("Content-Disposition");
        }
        stored.Metadata.Keys.Select(k => k.ToLowerInvariant()).Should().BeEquivalentTo(["x-amz-meta-app", "x-amz-meta-album", "x-amz-meta-du-grant"]);
        stored.Metadata["x-amz-meta-app"].Should().Be("directupload-it");
        stored.Metadata["x-amz-meta-album"].Should().Be("summer");
        stored.ETag.Trim('"').Should().Be(Convert.ToHexStringLower(Convert.FromBase64String(TestData.Md5(body))));
        (await _s3.ListKeysAsync(grant.Key)).Should().Equal(grant.Key);
    }
}
