using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Signing;

public class PostGrantSignerTests
{
    private const string Credential = TestServices.AccessKey + "/20261121/us-east-1/s3/aws4_request";

    [Fact]
    public async Task IssueAsync_MinimalProfile_FieldsInOrderKeyFirstSignatureLast()
    {
        using var services = CreateServices(p => { });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(contentType: "image/png"));

        grant.Method.Should().Be("POST");
        grant.Headers.Should().BeEmpty();
        grant.Url.Should().Be($"https://{TestServices.Bucket}.s3.us-east-1.amazonaws.com/");
        grant.Fields.Keys.Should().Equal("key", "Content-Type", "x-amz-meta-du-grant", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature");
        grant.Fields["key"].Should().Be(grant.Key);
        grant.Fields["Content-Type"].Should().Be("image/png");
        grant.Fields["x-amz-algorithm"].Should().Be("AWS4-HMAC-SHA256");
        grant.Fields["x-amz-credential"].Should().Be(Credential);
        grant.Fields["x-amz-date"].Should().Be("20261121T120000Z");
    }

    [Fact]
    public async Task IssueAsync_MinimalProfile_PolicyHasExactConditionsAndExpiration()
    {
        using var services = CreateServices(p =>
        {
            p.MinSizeBytes = 10;
            p.MaxSizeBytes = 2_000_000;
            p.Expiry = TimeSpan.FromMinutes(5);
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(contentType: "image/png", size: 100));

        var policy = DecodePolicy(grant);
        policy.GetProperty("expiration").GetString().Should().Be("2026-11-21T12:05:00.000Z");
        Conditions(policy).Should().Equal(
            $"bucket={TestServices.Bucket}",
            $"key={grant.Key}",
            "Content-Type=image/png",
            $"x-amz-meta-du-grant={grant.Fields["x-amz-meta-du-grant"]}",
            "x-amz-algorithm=AWS4-HMAC-SHA256",
            $"x-amz-credential={Credential}",
            "x-amz-date=20261121T120000Z",
            "[content-length-range,10,2000000]");
        grant.ExpiresAt.Should().Be(TestServices.Now.AddMinutes(5));
    }

    [Fact]
    public async Task IssueAsync_ClockBetweenSeconds_PolicyExpirationAndExpiresAtAlignToTheSignedSecond()
    {
        using var services = CreateServices(p => { }, clock: new FakeTimeProvider(TestServices.Now.AddMilliseconds(640)));
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request());

        grant.Fields["x-amz-date"].Should().Be("20261121T120000Z");
        DecodePolicy(grant).GetProperty("expiration").GetString().Should().Be("2026-11-21T12:15:00.000Z");
        grant.ExpiresAt.Should().Be(TestServices.Now.AddMinutes(15));
    }

    [Fact]
    public async Task IssueAsync_EveryStoredHeaderConfigured_FieldsAndConditionsBindThem()
    {
        using var services = CreateServices(p =>
        {
            p.Metadata["Source"] = "web";
            p.AllowedMetadataKeys.Add("camera");
            p.ServerSideEncryption = "aws:kms";
            p.KmsKeyId = "alias/uploads";
            p.StorageClass = "STANDARD_IA";
            p.CacheControl = "max-age=60";
            p.ContentDisposition = "attachment; filename=\"a+b.jpg\"";
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(
            contentType: "image/jpeg", md5: TestServices.HelloMd5, size: 5, metadata: new Dictionary<string, string> { ["camera"] = "X100V" }));

        var expectedFields = new List<KeyValuePair<string, string>>
        {
            new("key", grant.Key),
            new("Content-Type", "image/jpeg"),
            new("Content-MD5", TestServices.HelloMd5),
            new("Cache-Control", "max-age=60"),
            new("Content-Disposition", "attachment; filename=\"a+b.jpg\""),
            new("x-amz-meta-camera", "X100V"),
            new("x-amz-meta-du-grant", grant.Fields["x-amz-meta-du-grant"]),
            new("x-amz-meta-source", "web"),
            new("x-amz-server-side-encryption", "aws:kms"),
            new("x-amz-server-side-encryption-aws-kms-key-id", "alias/uploads"),
            new("x-amz-storage-class", "STANDARD_IA"),
            new("x-amz-algorithm", "AWS4-HMAC-SHA256"),
            new("x-amz-credential", Credential),
            new("x-amz-date", "20261121T120000Z"),
        };
        grant.Fields.Take(expectedFields.Count).Should().Equal(expectedFields);
        grant.Fields.Keys.Skip(expectedFields.Count).Should().Equal("policy", "x-amz-signature");
        Conditions(DecodePolicy(grant)).Should().Equal(
            new[] { $"bucket={TestServices.Bucket}" }
                .Concat(expectedFields.Select(f => $"{f.Key}={f.Value}"))
                .Append("[content-length-range,1,10485760]"));
    }

    [Fact]
    public async Task IssueAsync_SessionCredentials_SecurityTokenIsFieldAndCondition()
    {
        var client = TestServices.CreateClient(new SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken));
        using var services = CreateServices(p => { }, client);
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request());

        grant.Fields.Keys.Should().Equal("key", "Content-Type", "x-amz-meta-du-grant", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token", "policy", "x-amz-signature");
        grant.Fields["x-amz-security-token"].Should().Be(TestServices.SessionToken);
        Conditions(DecodePolicy(grant)).Should().Contain($"x-amz-security-token={TestServices.SessionToken}");
        VerifySignature(grant);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IssueAsync_AnyGrant_SignatureVerifies(bool everything)
    {
        using var services = CreateServices(p =>
        {
            if (everything)
            {
                p.Metadata["a"] = "b";
                p.ServerSideEncryption = "AES256";
                p.CacheControl = "no-cache";
            }
        });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(md5: everything ? TestServices.HelloMd5 : null, fileName: "ü ñ 日本.jpg"));

        VerifySignature(grant);
    }

    [Fact]
    public async Task IssueAsync_ServiceUrlEndpoint_PostsToPathStyleBucketUrlWithSchemeAndPort()
    {
        using var services = CreateServices(p => { }, TestServices.CreateServiceUrlClient());
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request());

        grant.Url.Should().Be($"http://127.0.0.1:7480/{TestServices.Bucket}");
        VerifySignature(grant);
    }

    [Fact]
    public async Task IssueAsync_EuWest1_ScopesCredentialAndSignatureToTheRegion()
    {
        using var services = CreateServices(p => { }, TestServices.CreateClient(region: "eu-west-1"));
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request());

        grant.Url.Should().Be($"https://{TestServices.Bucket}.s3.eu-west-1.amazonaws.com/");
        grant.Fields["x-amz-credential"].Should().Be($"{TestServices.AccessKey}/20261121/eu-west-1/s3/aws4_request");
        VerifySignature(grant);
    }

    [Fact]
    public async Task IssueAsync_SameInputsClockAndFixedKey_IssuesIdenticalGrants()
    {
        static ServiceProvider Build() => TestServices.Build(b => b.AddS3PresignedPost("docs", p =>
        {
            p.AllowedContentTypes.Add("application/pdf");
            p.KeyStrategy = new FixedKeyStrategy("same/key.pdf");
        }));
        using var first = Build();
        using var second = Build();
        var request = TestServices.Request(profile: "docs", contentType: "application/pdf");

        var a = await CreateSut(first).IssueAsync(request);
        var b = await CreateSut(second).IssueAsync(request);

        b.Should().BeEquivalentTo(a, o => o.WithStrictOrdering());
        b.Fields.Keys.Should().Equal(a.Fields.Keys);
    }

    [Fact]
    public async Task IssueAsync_AnyGrant_HasNoFlexibleChecksumFieldsOrConditions()
    {
        using var services = CreateServices(p => p.RequireContentMd5 = true);
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(md5: TestServices.HelloMd5));

        grant.Fields.Keys.Should().NotContain(k => k.Contains("checksum", StringComparison.OrdinalIgnoreCase));
        grant.Url.Should().NotContainEquivalentOf("checksum");
        DecodePolicyText(grant).Should().NotContainEquivalentOf("checksum");
    }

    [Fact]
    public async Task IssueAsync_Token_VouchesForTheGrant()
    {
        using var services = CreateServices(p => { });
        var sut = CreateSut(services);

        var grant = await sut.IssueAsync(Request(size: 4321));

        var ticket = services.GetRequiredService<IUploadTokenService>().ValidateToken(grant.Token);
        ticket.Key.Should().Be(grant.Key);
        ticket.Profile.Should().Be("docs");
        ticket.Size.Should().Be(4321);
        ticket.ContentType.Should().Be("image/jpeg");
        ticket.UploadId.Should().BeNull();
    }

    private static UploadRequest Request(
        string fileName = "Holiday Photo.JPG", string contentType = "image/jpeg", long size = 1234, string? md5 = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        TestServices.Request("docs", fileName, contentType, size, md5, metadata: metadata);

    internal static string DecodePolicyText(UploadGrant grant) => Encoding.UTF8.GetString(Convert.FromBase64String(grant.Fields["policy"]));

    private static JsonElement DecodePolicy(UploadGrant grant)
    {
        using var document = JsonDocument.Parse(DecodePolicyText(grant));
        var root = document.RootElement.Clone();
        root.EnumerateObject().Select(p => p.Name).Should().Equal("expiration", "conditions");
        return root;
    }

    private static List<string> Conditions(JsonElement policy) => policy.GetProperty("conditions").EnumerateArray().Select(c =>
        c.ValueKind == JsonValueKind.Array
            ? "[" + string.Join(',', c.EnumerateArray().Select(e => e.ToString())) + "]"
            : c.EnumerateObject().Should().ContainSingle().Subject is var p ? $"{p.Name}={p.Value.GetString()}" : string.Empty).ToList();

    private static void VerifySignature(UploadGrant grant)
    {
        var credential = grant.Fields["x-amz-credential"].Split('/');
        grant.Fields["x-amz-signature"].Should().Be(
            SigV4Verifier.ExpectedPolicySignature(grant.Fields["policy"], TestServices.SecretKey, credential[1], credential[2]));
    }

    private static ServiceProvider CreateServices(Action<UploadProfileOptions> configure, Amazon.S3.IAmazonS3? client = null, TimeProvider? clock = null) =>
        TestServices.Build(
            b => b.AddS3PresignedPost("docs", p =>
            {
                p.KeyPrefix = "docs/";
                p.AllowedContentTypes.Add("image/*");
                configure(p);
            }),
            client: client,
            timeProvider: clock);

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services) =>
        services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Post);
}
