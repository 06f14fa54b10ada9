using System.Globalization;
using Amazon.Runtime;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Signing;

public class PutGrantSignerTests
{
    private static readonly DateTimeOffset Now = TestServices.Now;

    [Fact]
    public async Task IssueAsync_DefaultProfileOnAnS3CompatibleStore_SignsSingleUseAclAndSealedHeaders()
    {
        using var services = CreateServices(p => { }, client: TestServices.CreateServiceUrlClient());
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(size: 1234));

        grant.Headers.Should().Equal(new Dictionary<string, string>
        {
            ["Content-Type"] = "image/jpeg",
            ["Content-Length"] = "1234",
            ["If-None-Match"] = "*",
            ["x-amz-acl"] = "bucket-owner-full-control",
            ["x-amz-meta-du-grant"] = grant.Headers["x-amz-meta-du-grant"],
            ["x-amz-tagging"] = string.Empty,
            ["x-amz-website-redirect-location"] = string.Empty,
            ["Cache-Control"] = string.Empty,
        });
        QueryString.Parameters(grant.Url)["X-Amz-SignedHeaders"].Should()
            .Be("cache-control;content-length;content-type;host;if-none-match;x-amz-acl;x-amz-meta-du-grant;x-amz-tagging;x-amz-website-redirect-location");
    }

    [Fact]
    public async Task IssueAsync_DefaultProfileOnAwsS3_LeavesTaggingAndWebsiteRedirectUnsigned()
    {
        // AWS S3 refuses unsigned x-amz-* headers itself and validates a website redirect's value: only Cache-Control is sealed
        using var services = CreateServices(p => { });

        var grant = await CreateSut(services).IssueAsync(TestServices.Request(size: 1234));

        grant.Headers.Should().NotContainKeys("x-amz-tagging", "x-amz-website-redirect-location");
        grant.Headers.Should().Contain("Cache-Control", string.Empty).And.Contain("If-None-Match", "*").And.Contain("x-amz-acl", "bucket-owner-full-control");
        QueryString.Parameters(grant.Url)["X-Amz-SignedHeaders"].Should()
            .Be("cache-control;content-length;content-type;host;if-none-match;x-amz-acl;x-amz-meta-du-grant");
    }

    [Fact]
    public async Task IssueAsync_PrivateAcl_SignsPrivate()
    {
        using var services = CreateServices(p => p.ObjectAcl = "private");
        var grant = await CreateSut(services).IssueAsync(TestServices.Request(size: 10));
        grant.Headers.Should().Contain("x-amz-acl", "private");
    }

    [Fact]
    public async Task IssueAsync_MinimalProfile_SignsContentTypeLengthAndHostOnly()
    {
        using var services = CreateServices(Minimal);
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(size: 1234));

        grant.Method.Should().Be("PUT");
        grant.Fields.Should().BeEmpty();
        grant.Headers.Should().Equal(new Dictionary<string, string>
        {
            ["Content-Type"] = "image/jpeg",
            ["Content-Length"] = "1234",
            ["x-amz-meta-du-grant"] = grant.Headers["x-amz-meta-du-grant"],
        });
        grant.Headers["x-amz-meta-du-grant"].Should().StartWith("s2.", "a single-request grant's seal shares its MAC with the token");
        var query = QueryString.Parameters(grant.Url);
        query["X-Amz-SignedHeaders"].Should().Be("content-length;content-type;host;x-amz-meta-du-grant");
        query["X-Amz-Algorithm"].Should().Be("AWS4-HMAC-SHA256");
        query["X-Amz-Credential"].Should().Be($"{TestServices.AccessKey}/20261121/us-east-1/s3/aws4_request");
        query["X-Amz-Date"].Should().Be("20261121T120000Z");
        query.Should().NotContainKey("X-Amz-Security-Token");
        grant.Url.Should().StartWith($"https://{TestServices.Bucket}.s3.us-east-1.amazonaws.com/photos/");
    }

    [Fact]
    public async Task IssueAsync_EveryStoredHeaderConfigured_SignsAndListsExactlyThoseHeaders()
    {
        using var services = CreateServices(p =>
        {
            Minimal(p);
            p.RequireContentMd5 = true;
            p.Metadata["Source"] = "web";
            p.AllowedMetadataKeys.Add("camera");
            p.ServerSideEncryption = "aws:kms";
            p.KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/abcd";
            p.StorageClass = "STANDARD_IA";
            p.CacheControl = "max-age=60";
            p.ContentDisposition = "inline";
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(size: 5, md5: TestServices.HelloMd5, metadata: new Dictionary<string, string> { ["Camera"] = "X100V" }));

        grant.Headers.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Content-Type"] = "image/jpeg",
            ["Content-Length"] = "5",
            ["Content-MD5"] = TestServices.HelloMd5,
            ["Cache-Control"] = "max-age=60",
            ["Content-Disposition"] = "inline",
            ["x-amz-meta-camera"] = "X100V",
            ["x-amz-meta-du-grant"] = grant.Headers["x-amz-meta-du-grant"],
            ["x-amz-meta-source"] = "web",
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = "arn:aws:kms:us-east-1:111122223333:key/abcd",
            ["x-amz-storage-class"] = "STANDARD_IA",
        });
        QueryString.Parameters(grant.Url)["X-Amz-SignedHeaders"].Should().Be(
            "cache-control;content-disposition;content-length;content-md5;content-type;host;x-amz-meta-camera;x-amz-meta-du-grant;x-amz-meta-source;" +
            "x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id;x-amz-storage-class");
    }

    [Fact]
    public async Task IssueAsync_Aes256_SignsEncryptionWithoutKeyId()
    {
        using var services = CreateServices(p =>
        {
            Minimal(p);
            p.ServerSideEncryption = "AES256";
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        grant.Headers.Should().Contain("x-amz-server-side-encryption", "AES256");
        grant.Headers.Keys.Should().NotContain(k => k.Contains("kms", StringComparison.Ordinal));
        QueryString.Parameters(grant.Url)["X-Amz-SignedHeaders"].Should().Be("content-length;content-type;host;x-amz-meta-du-grant;x-amz-server-side-encryption");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IssueAsync_AnyGrant_SignatureVerifiesWithTheListedHeaders(bool everything)
    {
        using var services = CreateServices(p =>
        {
            if (everything)
            {
                p.Metadata["a"] = "b  c";
                p.ServerSideEncryption = "AES256";
                p.CacheControl = "no-cache";
                p.ContentDisposition = "attachment; filename=\"x y.jpg\"";
                p.StorageClass = "GLACIER_IR";
            }
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(md5: everything ? TestServices.HelloMd5 : null, size: 5));

        QueryString.Parameters(grant.Url)["X-Amz-Signature"].Should().Be(
            SigV4Verifier.ExpectedUrlSignature("PUT", grant.Url, grant.Headers, TestServices.SecretKey));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(604_800)]
    public async Task IssueAsync_Expiry_ExpiresAtIsNowPlusExpiryAndMatchesXAmzExpires(int seconds)
    {
        using var services = CreateServices(p => p.Expiry = TimeSpan.FromSeconds(seconds));
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        grant.ExpiresAt.Should().Be(Now + TimeSpan.FromSeconds(seconds));
        var query = QueryString.Parameters(grant.Url);
        query["X-Amz-Expires"].Should().Be(seconds.ToString(CultureInfo.InvariantCulture));
        DateTimeOffset.ParseExact(query["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            .AddSeconds(seconds).Should().Be(grant.ExpiresAt);
    }

    [Fact]
    public async Task IssueAsync_ClockMoves_SignsWithTheCurrentInstant()
    {
        var clock = new FakeTimeProvider(Now);
        using var services = CreateServices(p => { }, clock);
        var sut = CreateSut(services);

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(7));
        var grant = await sut.IssueAsync(TestServices.Request());

        QueryString.Parameters(grant.Url)["X-Amz-Date"].Should().Be("20261122T120007Z");
        QueryString.Parameters(grant.Url)["X-Amz-Credential"].Should().Contain("/20261122/");
        grant.ExpiresAt.Should().Be(clock.GetUtcNow() + TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task IssueAsync_ClockBetweenSeconds_ExpiresAtIsAlignedToTheSignedSecond()
    {
        // X-Amz-Date has whole seconds: the grant must not claim to live longer than S3 accepts it
        using var services = CreateServices(p => { }, new FakeTimeProvider(Now.AddMilliseconds(999)));
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        QueryString.Parameters(grant.Url)["X-Amz-Date"].Should().Be("20261121T120000Z");
        grant.ExpiresAt.Should().Be(Now.AddMinutes(15));
    }

    [Fact]
    public async Task IssueAsync_SessionCredentials_SignsSecurityToken()
    {
        var client = TestServices.CreateClient(new SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken));
        using var services = CreateServices(p => { }, client: client);
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        QueryString.Parameters(grant.Url)["X-Amz-Security-Token"].Should().Be(TestServices.SessionToken);
        QueryString.Parameters(grant.Url)["X-Amz-Signature"].Should().Be(
            SigV4Verifier.ExpectedUrlSignature("PUT", grant.Url, grant.Headers, TestServices.SecretKey));
    }

    [Fact]
    public async Task IssueAsync_ServiceUrlEndpoint_KeepsSchemePortAndPathStyle()
    {
        using var services = CreateServices(p => { }, client: TestServices.CreateServiceUrlClient());
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        grant.Url.Should().StartWith($"http://127.0.0.1:7480/{TestServices.Bucket}/{grant.Key}?");
        QueryString.Parameters(grant.Url)["X-Amz-Signature"].Should().Be(
            SigV4Verifier.ExpectedUrlSignature("PUT", grant.Url, grant.Headers, TestServices.SecretKey));
    }

    [Fact]
    public async Task IssueAsync_DefaultKeyStrategy_KeyIsRandomIdUnderPrefixWithExtension()
    {
        using var services = CreateServices(p => { });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(fileName: "../../Holiday Photo.JPG"));

        grant.Key.Should().MatchRegex("^photos/[0-9a-hjkmnp-tv-z]{26}\\.jpg$");
        grant.Url.Should().StartWith($"https://{TestServices.Bucket}.s3.us-east-1.amazonaws.com/{grant.Key}?");
    }

    [Fact]
    public async Task IssueAsync_Token_VouchesForTheGrant()
    {
        using var services = CreateServices(p => p.ScopeToOwner = true);
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(owner: "user-42", size: 777, contentType: "Image/PNG"));

        var ticket = services.GetRequiredService<IUploadTokenService>().ValidateToken(grant.Token);
        ticket.Should().BeEquivalentTo(new UploadTicket
        {
            Profile = "photos",
            Key = grant.Key,
            OwnerId = "user-42",
            Size = 777,
            ContentType = "image/png",
            ExpiresAt = grant.ExpiresAt + new UploadProfileOptions().ConfirmationGracePeriod,
        }, "the token outlives the grant by the confirmation grace period, so an upload that started in time can be confirmed");
        grant.Key.Should().StartWith("photos/users/user-42/");
        grant.Token.Should().NotContainAny(TestServices.SecretKey, TestServices.TokenKey);
    }

    [Fact]
    public async Task IssueAsync_SameInputsClockAndFixedKey_IssuesIdenticalGrants()
    {
        static ServiceProvider Build() => TestServices.Build(b => b.AddS3PresignedPut("photos", p =>
        {
            p.AllowedContentTypes.Add("image/*");
            p.KeyStrategy = new FixedKeyStrategy("same/key.jpg");
            p.Metadata["x"] = "y";
        }));
        using var first = Build();
        using var second = Build();
        var request = TestServices.Request(md5: TestServices.HelloMd5);

        var a = await CreateSut(first).IssueAsync(request);
        var b = await CreateSut(second).IssueAsync(request);
        var c = await CreateSut(first).IssueAsync(request);

        b.Should().BeEquivalentTo(a);
        c.Should().BeEquivalentTo(a);
        a.Url.Should().Be(b.Url);
        a.Token.Should().Be(b.Token);
    }

    [Fact]
    public async Task IssueAsync_AnyGrant_HasNoFlexibleChecksumParameters()
    {
        using var services = CreateServices(p =>
        {
            p.RequireContentMd5 = true;
            p.ServerSideEncryption = "AES256";
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request(md5: TestServices.HelloMd5));

        grant.Url.ToLowerInvariant().Should().NotContainAny("x-amz-checksum", "x-amz-sdk-checksum", "checksum");
        grant.Headers.Keys.Should().NotContain(k => k.Contains("checksum", StringComparison.OrdinalIgnoreCase));
        QueryString.Parameters(grant.Url).Keys.Should().BeEquivalentTo(
            "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature");
    }

    [Fact]
    public async Task IssueAsync_Query_IsCanonicalOrderWithSignatureLast()
    {
        using var services = CreateServices(p => { }, client: TestServices.CreateClient(new SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken)));
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(TestServices.Request());

        var names = QueryString.RawPairs(grant.Url).Select(p => p.Key).ToList();
        names[^1].Should().Be("X-Amz-Signature");
        names[..^1].Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    private static ServiceProvider CreateServices(Action<UploadProfileOptions> configure, TimeProvider? clock = null, Amazon.S3.IAmazonS3? client = null) =>
        TestServices.Build(
            b => b.AddS3PresignedPut("photos", p =>
            {
                p.KeyPrefix = "photos/";
                p.AllowedContentTypes.Add("image/*");
                configure(p);
            }),
            client: client,
            timeProvider: clock);

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services) =>
        services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put);

    /// <summary>The profile with the issue-8 defaults off: no If-None-Match, no ACL, no sealed headers.</summary>
    private static void Minimal(UploadProfileOptions p)
    {
        p.PreventOverwrite = false;
        p.ObjectAcl = null;
        p.SealObjectHeaders = false;
    }
}
