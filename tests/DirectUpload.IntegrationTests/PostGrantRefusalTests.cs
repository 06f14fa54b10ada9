using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DirectUpload.IntegrationTests.Infrastructure;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// A client that changes anything a presigned POST policy binds is refused by S3. Each refusal is followed by the honest
/// upload of the same grant, which must succeed, so the refusal is known to come from the change.
/// </summary>
/// <remarks>
/// RGW-vs-AWS: for a bad signature or a tampered policy AWS answers 403 SignatureDoesNotMatch, RGW 403 AccessDenied;
/// the accepted code sets below hold both.
/// </remarks>
[Collection(RealS3.Name)]
public sealed class PostGrantRefusalTests
{
    private const int MinSize = 10;
    private const int MaxSize = 2048;
    private static readonly int[] Forbidden = [403];
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;
    private readonly IUploadPolicyIssuer _issuer;

    public PostGrantRefusalTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
        _prefix = s3.NewPrefix("post-refusals");
        _issuer = s3.CreateIssuer(b => b.AddS3PresignedPost("post", p =>
        {
            p.KeyPrefix = _prefix;
            p.AllowedContentTypes.Add("image/png");
            p.MinSizeBytes = MinSize;
            p.MaxSizeBytes = MaxSize;
            p.CacheControl = "max-age=60";
            p.Metadata["app"] = "directupload-it";
            p.AllowedMetadataKeys.Add("album");
        }));
    }

    [Fact]
    public async Task TamperedSignature_IsRefused()
    {
        var (grant, body) = await IssueAsync(100);
        var fields = TestData.EditableFields(grant).With("x-amz-signature", TestData.Tamper(grant.Fields["x-amz-signature"]));

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "SignatureDoesNotMatch", "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task PolicyReencodedWithABiggerMaximum_IsRefused()
    {
        var (grant, body) = await IssueAsync(100);
        var policy = EditPolicy(grant, conditions =>
        {
            var range = conditions.OfType<JsonArray>().Single(c => (string?)c[0] == "content-length-range");
            ((long)range[2]!).Should().Be(MaxSize);
            range[2] = 10_000_000;
        });
        var fields = TestData.EditableFields(grant).With("policy", policy);

        (await PostAsync(grant.Url, fields, TestData.Bytes(MaxSize + 1000))).ShouldBeRefused(Forbidden, "SignatureDoesNotMatch", "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task PolicyReencodedForAnotherKey_IsRefused()
    {
        var (grant, body) = await IssueAsync(100);
        var otherKey = _prefix + "evil.png";
        var policy = EditPolicy(grant, conditions =>
        {
            var key = conditions.OfType<JsonObject>().Single(c => c.ContainsKey("key"));
            key["key"] = otherKey;
        });
        var fields = TestData.EditableFields(grant).With("policy", policy).With("key", otherKey);

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "SignatureDoesNotMatch", "AccessDenied");
        await _s3.ShouldNotExistAsync(otherKey);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Theory]
    [InlineData("sibling")]       // another key under the profile's prefix
    [InlineData("outside")]       // a key outside the prefix
    [InlineData("filename")]      // S3's ${filename} substitution
    public async Task OtherKeyField_IsRefused(string kind)
    {
        var (grant, body) = await IssueAsync(100);
        var otherKey = kind switch
        {
            "sibling" => _prefix + "evil.png",
            "outside" => "evil/" + _s3.RunId + "/evil.png",
            _ => _prefix + "${filename}",
        };
        var fields = TestData.EditableFields(grant).With("key", otherKey);

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(otherKey);
        await _s3.ShouldNotExistAsync(_prefix + "upload.bin");
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task SecondKeyField_IsRefused()
    {
        var (grant, body) = await IssueAsync(100);
        var otherKey = _prefix + "evil.png";
        var fields = TestData.EditableFields(grant);
        fields.Insert(fields.FindIndex(f => f.Key == "policy"), new("key", otherKey));

        // RGW keeps the last value of a repeated field and checks the policy against it; AWS refuses repeated fields
        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused([400, 403], "AccessDenied", "InvalidArgument", "InvalidRequest");
        await _s3.ShouldNotExistAsync(otherKey);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task OtherBucket_IsRefused()
    {
        var (grant, body) = await IssueAsync(100);
        var url = grant.Url[..grant.Url.LastIndexOf('/')] + "/" + _s3.OtherBucket;

        (await PostAsync(url, TestData.EditableFields(grant), body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key, _s3.OtherBucket);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task BodyOverTheProfileMaximum_IsRefused()
    {
        var (grant, body) = await IssueAsync(MaxSize);

        (await PostAsync(grant.Url, TestData.EditableFields(grant), TestData.Bytes(MaxSize + 1))).ShouldBeRefused([400], "EntityTooLarge");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task BodyUnderTheProfileMinimum_IsRefused()
    {
        var (grant, body) = await IssueAsync(MinSize);

        (await PostAsync(grant.Url, TestData.EditableFields(grant), body[..(MinSize - 1)])).ShouldBeRefused([400], "EntityTooSmall");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task DeclaredSizeOutsideTheProfile_IsRejectedBeforeSigning()
    {
        foreach (var (size, reason) in new[] { (MaxSize + 1, UploadRejectionReason.TooLarge), (MinSize - 1, UploadRejectionReason.TooSmall) })
        {
            var act = async () => await _issuer.IssueAsync(Request(size));
            (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(reason);
        }
    }

    [Fact]
    public async Task BodySizeOtherThanDeclaredWithinProfileLimits_IsAcceptedByS3()
    {
        // By design (DESIGN §3): a POST policy binds content-length-range [profile min, profile max], not the declared
        // size (S3 has no exact-length condition). The declared size is checked again at completion (HEAD), not by S3.
        var (grant, _) = await IssueAsync(100);
        var other = TestData.Bytes(MaxSize);

        (await PostAsync(grant.Url, TestData.EditableFields(grant), other)).ShouldSucceed(HttpStatusCode.NoContent);
        await _s3.ShouldHoldAsync(grant.Key, other, "image/png");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/svg+xml")]
    [InlineData("image/png; charset=utf-8")]
    [InlineData(null)]
    public async Task OtherContentTypeField_IsRefused(string? contentType)
    {
        var (grant, body) = await IssueAsync(100);
        var fields = TestData.EditableFields(grant);
        fields = contentType is null ? fields.Without("Content-Type") : fields.With("Content-Type", contentType);

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task FilePartContentType_DoesNotOverrideTheGrantedType()
    {
        var (grant, body) = await IssueAsync(100);
        using var request = GrantFollower.BuildPost(grant.Url, grant.Fields, body);
        var filePart = ((MultipartFormDataContent)request.Content!).Last();
        filePart.Headers.ContentType = new("text/html");

        (await Send(request)).ShouldSucceed(HttpStatusCode.NoContent);
        await _s3.ShouldHoldAsync(grant.Key, body, "image/png");
    }

    [Theory]
    [InlineData("x-foo", "bar")]
    [InlineData("x-amz-meta-evil", "1")]
    [InlineData("acl", "public-read")]
    [InlineData("success_action_redirect", "https://evil.example/")]
    [InlineData("success_action_status", "201")]
    [InlineData("x-amz-website-redirect-location", "/elsewhere")]
    public async Task ExtraFieldNotInThePolicy_IsRefused(string name, string value)
    {
        var (grant, body) = await IssueAsync(100);
        var fields = TestData.EditableFields(grant).Adding(name, value);

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Theory]
    [InlineData("x-amz-meta-album", "winter")]
    [InlineData("x-amz-meta-album", null)]
    [InlineData("x-amz-meta-app", "other-app")]
    [InlineData("x-amz-meta-app", null)]
    [InlineData("Cache-Control", "public, max-age=31536000")]
    [InlineData("Cache-Control", null)]
    public async Task ChangedOrDroppedBoundField_IsRefused(string name, string? value)
    {
        var (grant, body) = await IssueAsync(100);
        var fields = TestData.EditableFields(grant);
        fields = value is null ? fields.Without(name) : fields.With(name, value);

        (await PostAsync(grant.Url, fields, body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);
        await ThenTheHonestUploadSucceedsAsync(grant, body);
    }

    [Fact]
    public async Task BodyWithAnotherMd5ThanGranted_IsRefused()
    {
        var body = TestData.Bytes(100);
        var other = TestData.Bytes(100);
        var grant = await _issuer.IssueAsync(Request(body.Length, TestData.Md5(other)));
        grant.Fields.Should().Contain("Content-MD5", TestData.Md5(other));

        // the client swaps in the MD5 of its own body, or drops it: the policy binds the field
        (await PostAsync(grant.Url, TestData.EditableFields(grant).With("Content-MD5", TestData.Md5(body)), body)).ShouldBeRefused(Forbidden, "AccessDenied");
        (await PostAsync(grant.Url, TestData.EditableFields(grant).Without("Content-MD5"), body)).ShouldBeRefused(Forbidden, "AccessDenied");
        await _s3.ShouldNotExistAsync(grant.Key);

        // the grant's MD5 with another body of the same length
        var reply = await PostAsync(grant.Url, TestData.EditableFields(grant), body);
        if (_s3.IsRgw)
        {
            // RGW-vs-AWS GAP: AWS checks the Content-MD5 form field of a POST upload against the body (400 BadDigest).
            // RGW Pacific does not read it at all (RGWPostObj_ObjStore_S3::get_params): the body is stored. The policy still
            // forces the field's value (above), and the stored ETag is the body's real MD5, so the completion step can
            // compare ETag and granted MD5. On RGW, MD5 integrity is only enforced for PUT grants.
            reply.ShouldSucceed(HttpStatusCode.NoContent);
            var stored = await _s3.ShouldHoldAsync(grant.Key, body, "image/png");
            stored.ETag.Trim('"').Should().NotBe(Convert.ToHexStringLower(Convert.FromBase64String(grant.Fields["Content-MD5"])));
        }
        else
        {
            reply.ShouldBeRefused([400], "BadDigest");
            await _s3.ShouldNotExistAsync(grant.Key);
        }

        await ThenTheHonestUploadSucceedsAsync(grant, other);
    }

    private static UploadRequest Request(long size, string? md5 = null) => new()
    {
        Profile = "post",
        FileName = "photo.png",
        ContentType = "image/png",
        Size = size,
        ContentMd5 = md5,
        Metadata = new Dictionary<string, string> { ["album"] = "summer" },
    };

    private static string EditPolicy(UploadGrant grant, Action<JsonArray> edit)
    {
        var policy = JsonNode.Parse(TestData.FromBase64Utf8(grant.Fields["policy"]))!.AsObject();
        edit(policy["conditions"]!.AsArray());
        var edited = Convert.ToBase64String(Encoding.UTF8.GetBytes(policy.ToJsonString()));
        edited.Should().NotBe(grant.Fields["policy"]);
        return edited;
    }

    private async Task<(UploadGrant Grant, byte[] Body)> IssueAsync(int size)
    {
        var body = TestData.Bytes(size);
        return (await _issuer.IssueAsync(Request(size)), body);
    }

    private async Task<S3Reply> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, byte[] file)
    {
        using var request = GrantFollower.BuildPost(url, fields, file);
        return await Send(request);
    }

    private async Task<S3Reply> Send(HttpRequestMessage request)
    {
        var reply = await _s3.Follower.SendAsync(request);
        _output.WriteLine($"{reply.Method} → {reply}");
        return reply;
    }

    private async Task ThenTheHonestUploadSucceedsAsync(UploadGrant grant, byte[] body)
    {
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.NoContent);
        await _s3.ShouldHoldAsync(grant.Key, body, "image/png");
    }
}
