using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace DirectUpload.Tests.Internal;

/// <summary>
/// The checks of <see cref="UploadRequestValidator"/>, driven through the public entry points (the routing issuer and the
/// keyed PUT and POST issuers). Every rejection must carry its typed reason and happen before anything is signed: the
/// S3 client is a strict mock whose only member is its config, and the credentials count every resolution.
/// </summary>
public class UploadRequestValidatorTests
{
    private const long GiB = 1024L * 1024 * 1024;
    private const long MiB = 1024L * 1024;

    private static readonly Dictionary<string, (UploadRequest Request, UploadRejectionReason Reason)> Cases = new()
    {
        ["unknown profile"] = (Request(profile: "nope"), UploadRejectionReason.UnknownProfile),
        ["empty profile"] = (Request(profile: ""), UploadRejectionReason.UnknownProfile),
        ["empty file name"] = (Request(fileName: ""), UploadRejectionReason.InvalidFileName),
        ["whitespace file name"] = (Request(fileName: " \t "), UploadRejectionReason.InvalidFileName),
        ["file name of 1025 chars"] = (Request(fileName: new string('a', 1021) + ".jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with NUL"] = (Request(fileName: "a\0b.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with newline"] = (Request(fileName: "a\r\nb.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with DEL"] = (Request(fileName: "a\u007fb.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with C1 control"] = (Request(fileName: "a\u0085b.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with line separator"] = (Request(fileName: "a\u2028b.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with lone high surrogate"] = (Request(fileName: "a\uD83Db.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name ending in high surrogate"] = (Request(fileName: "ab.jpg\uD83D"), UploadRejectionReason.InvalidFileName),
        ["file name with lone low surrogate"] = (Request(fileName: "\uDE00ab.jpg"), UploadRejectionReason.InvalidFileName),
        ["file name with reversed pair"] = (Request(fileName: "a\uDE00\uD83D.jpg"), UploadRejectionReason.InvalidFileName),
        ["type without subtype"] = (Request(contentType: "image"), UploadRejectionReason.InvalidContentType),
        ["type with empty subtype"] = (Request(contentType: "image/"), UploadRejectionReason.InvalidContentType),
        ["type with empty type"] = (Request(contentType: "/png"), UploadRejectionReason.InvalidContentType),
        ["type with header injection"] = (Request(contentType: "image/png\r\nX: y"), UploadRejectionReason.InvalidContentType),
        ["type with non-ASCII"] = (Request(contentType: "image/pñg"), UploadRejectionReason.InvalidContentType),
        ["type wildcard subtype"] = (Request(contentType: "image/*"), UploadRejectionReason.InvalidContentType),
        ["type full wildcard"] = (Request(contentType: "*/*"), UploadRejectionReason.InvalidContentType),
        ["type with two slashes"] = (Request(contentType: "image/png/x"), UploadRejectionReason.InvalidContentType),
        ["type with space"] = (Request(contentType: "image /png"), UploadRejectionReason.InvalidContentType),
        ["type empty"] = (Request(contentType: ""), UploadRejectionReason.InvalidContentType),
        ["type too long"] = (Request(contentType: "image/" + new string('x', 250)), UploadRejectionReason.InvalidContentType),
        ["type not in exact list"] = (Request(contentType: "image/gif"), UploadRejectionReason.ContentTypeNotAllowed),
        ["type not matching wildcard"] = (Request(profile: "docs", contentType: "video/mp4"), UploadRejectionReason.ContentTypeNotAllowed),
        ["wildcard type is not a prefix match"] = (Request(profile: "docs", contentType: "imagex/png"), UploadRejectionReason.ContentTypeNotAllowed),
        ["size zero"] = (Request(size: 0), UploadRejectionReason.InvalidSize),
        ["size negative"] = (Request(size: -1), UploadRejectionReason.InvalidSize),
        ["size min value"] = (Request(size: long.MinValue), UploadRejectionReason.InvalidSize),
        ["size below min"] = (Request(profile: "docs", contentType: "application/pdf", size: 99), UploadRejectionReason.TooSmall),
        ["size above max"] = (Request(size: (10 * MiB) + 1), UploadRejectionReason.TooLarge),
        ["size max value"] = (Request(size: long.MaxValue), UploadRejectionReason.TooLarge),
        ["size above 5 GiB single request"] = (Request(profile: "big", size: (5 * GiB) + 1), UploadRejectionReason.TooLarge),
        ["md5 not base64"] = (Request(md5: "not base64!!!!!!!!!!!!!!"), UploadRejectionReason.InvalidContentMd5),
        ["md5 too short"] = (Request(md5: "AAAA"), UploadRejectionReason.InvalidContentMd5),
        ["md5 of 15 bytes"] = (Request(md5: Convert.ToBase64String(new byte[15])), UploadRejectionReason.InvalidContentMd5),
        ["md5 of 17 bytes"] = (Request(md5: Convert.ToBase64String(new byte[17])), UploadRejectionReason.InvalidContentMd5),
        ["md5 as hex"] = (Request(md5: "5d41402abc4b2a76b9719d911017c592"), UploadRejectionReason.InvalidContentMd5),
        ["md5 unpadded"] = (Request(md5: TestServices.HelloMd5.TrimEnd('=') + "AA"), UploadRejectionReason.InvalidContentMd5),
        ["md5 required and missing"] = (Request(profile: "secure"), UploadRejectionReason.ContentMd5Required),
        ["md5 required and empty"] = (Request(profile: "secure", md5: ""), UploadRejectionReason.ContentMd5Required),
        ["owner missing"] = (Request(profile: "owned"), UploadRejectionReason.OwnerRequired),
        ["owner empty"] = (Request(profile: "owned", owner: ""), UploadRejectionReason.OwnerRequired),
        ["owner too long"] = (Request(profile: "owned", owner: new string('o', 257)), UploadRejectionReason.InvalidOwner),
        ["owner too long on unscoped profile"] = (Request(owner: new string('o', 257)), UploadRejectionReason.InvalidOwner),
        ["owner with control char"] = (Request(profile: "owned", owner: "a\nb"), UploadRejectionReason.InvalidOwner),
        ["owner with lone surrogate"] = (Request(profile: "owned", owner: "a\uD800"), UploadRejectionReason.InvalidOwner),
        ["metadata key not allowed"] = (Request(profile: "meta", metadata: new() { ["other"] = "x" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata on profile without keys"] = (Request(metadata: new() { ["camera"] = "x" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata value non-ASCII"] = (Request(profile: "meta", metadata: new() { ["camera"] = "é" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata value with CRLF"] = (Request(profile: "meta", metadata: new() { ["camera"] = "a\r\nx-amz-acl: public-read" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata value padded"] = (Request(profile: "meta", metadata: new() { ["camera"] = " x" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata value too long"] = (Request(profile: "meta", metadata: new() { ["camera"] = new string('x', 1025) }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata overrides profile"] = (Request(profile: "meta", metadata: new() { ["Source"] = "evil" }), UploadRejectionReason.MetadataNotAllowed),
        ["metadata over 2 KB in total"] = (Request(profile: "meta", metadata: new() { ["camera"] = new string('x', 1024), ["lens"] = new string('y', 1024) }), UploadRejectionReason.MetadataNotAllowed),
        ["owner id whose seal alone is over S3's 2 KB of metadata"] = (Request(owner: string.Concat(Enumerable.Repeat("\uD83D\uDE00", 128))), UploadRejectionReason.InvalidOwner),
        ["metadata under 2 KB but over it with the grant seal"] = (Request(profile: "meta", metadata: new() { ["camera"] = new string('x', 1000), ["lens"] = new string('y', 1000) }), UploadRejectionReason.MetadataNotAllowed),
        ["key escapes prefix"] = (Request(profile: "custom"), UploadRejectionReason.InvalidKey),
    };

    public static TheoryData<string, UploadMethod?> CaseNames()
    {
        var data = new TheoryData<string, UploadMethod?>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, null);
            data.Add(name, UploadMethod.Put);
            data.Add(name, UploadMethod.Post);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task IssueAsync_RequestBreaksAConstraint_RejectsWithReasonAndSignsNothing(string caseName, UploadMethod? issuer)
    {
        var (request, reason) = Cases[caseName];
        var (services, credentials) = CreateServices();
        using var _ = services;
        var sut = CreateSut(services, issuer);

        var act = async () => await sut.IssueAsync(request);

        var thrown = await act.Should().ThrowExactlyAsync<UploadRejectedException>();
        thrown.Which.Reason.Should().Be(reason);
        thrown.Which.Code.Should().Be(UploadRejectionCodes.ToCode(reason));
        credentials.Calls.Should().Be(0, "a rejected request must never reach the credentials, let alone the signer");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(UploadMethod.Put)]
    [InlineData(UploadMethod.Post)]
    public async Task IssueAsync_ValidRequest_ResolvesCredentialsOnce(UploadMethod? issuer)
    {
        var (services, credentials) = CreateServices();
        using var _ = services;

        await CreateSut(services, issuer).IssueAsync(Request());

        credentials.Calls.Should().Be(1, "the spy must see signing, or the rejection tests prove nothing");
    }

    [Theory]
    [InlineData("photos", "IMAGE/PNG", "image/png")]
    [InlineData("photos", "image/JPEG", "image/jpeg")]
    [InlineData("photos", "  image/png  ", "image/png")]
    [InlineData("big", "Text/Plain; Charset=UTF-8", "text/plain;charset=utf-8")]
    [InlineData("docs", "image/webp", "image/webp")]
    [InlineData("docs", "Image/SVG+xml", "image/svg+xml")]
    [InlineData("docs", "application/PDF", "application/pdf")]
    public async Task IssueAsync_AllowedContentType_CaseInsensitiveAndNormalized(string profile, string contentType, string expected)
    {
        var (services, _) = CreateServices();
        using var __ = services;

        var grant = await CreateSut(services, UploadMethod.Put).IssueAsync(Request(profile: profile, contentType: contentType, size: 200));

        grant.Headers["Content-Type"].Should().Be(expected);
    }

    [Theory]
    [InlineData("photos", 1)]
    [InlineData("photos", 10 * MiB)]
    [InlineData("docs", 100)]
    [InlineData("big", 5 * GiB)]
    public async Task IssueAsync_SizeAtABound_IsAccepted(string profile, long size)
    {
        var (services, _) = CreateServices();
        using var __ = services;

        var grant = await CreateSut(services, null).IssueAsync(Request(profile: profile, contentType: "image/png", size: size));

        services.GetRequiredService<IUploadTokenService>().ValidateToken(grant.Token).Size.Should().Be(size);
    }

    [Theory]
    [InlineData(UploadMethod.Put)]
    [InlineData(UploadMethod.Post)]
    public async Task IssueAsync_MetadataThatFitsWithTheGrantSeal_IsSignedWithinS3sLimit(UploadMethod issuer)
    {
        var (services, _) = CreateServices();
        using var __ = services;

        var grant = await CreateSut(services, issuer).IssueAsync(
            Request(profile: "meta", metadata: new() { ["camera"] = new string('x', 800), ["lens"] = new string('y', 800) }));

        var stored = (issuer == UploadMethod.Put ? grant.Headers : grant.Fields).Where(p => p.Key.StartsWith("x-amz-meta-", StringComparison.Ordinal)).ToList();
        stored.Select(p => p.Key).Should().Contain(["x-amz-meta-camera", "x-amz-meta-lens", "x-amz-meta-source", "x-amz-meta-du-grant"]);
        stored.Sum(p => p.Key.Length - "x-amz-meta-".Length + p.Value.Length).Should().BeLessThanOrEqualTo(2048);
    }

    [Fact]
    public async Task IssueAsync_Rejected_MessageDoesNotEchoSecretsOrLongInput()
    {
        var (services, _) = CreateServices();
        using var __ = services;
        var longKey = new string('k', 500);

        var act = async () => await CreateSut(services, null).IssueAsync(Request(profile: "meta", metadata: new() { [longKey] = "v" }));

        var thrown = await act.Should().ThrowAsync<UploadRejectedException>();
        thrown.Which.Message.Should().NotContain(longKey).And.NotContain(TestServices.SecretKey);
    }

    private static UploadRequest Request(
        string profile = "photos", string fileName = "photo.jpg", string contentType = "image/png", long size = 1000,
        string? md5 = null, string? owner = null, Dictionary<string, string>? metadata = null) =>
        TestServices.Request(profile, fileName, contentType, size, md5, owner, metadata);

    private static (ServiceProvider Services, CountingCredentials Credentials) CreateServices()
    {
        var credentials = new CountingCredentials(TestServices.AccessKey, TestServices.SecretKey);
        var client = new Mock<IAmazonS3>(MockBehavior.Strict);
        client.Setup(c => c.Config).Returns(new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1, DefaultAWSCredentials = credentials });
        var services = TestServices.Build(
            b => b
                .AddS3PresignedPut("photos", p =>
                {
                    p.AllowedContentTypes.Add("image/png");
                    p.AllowedContentTypes.Add("image/jpeg");
                })
                .AddS3PresignedPost("docs", p =>
                {
                    p.AllowedContentTypes.Add("application/pdf");
                    p.AllowedContentTypes.Add("image/*");
                    p.MinSizeBytes = 100;
                })
                .AddProfile("big", p =>
                {
                    p.Method = UploadMethod.Auto;
                    p.AllowedContentTypes.Add("*/*");
                    p.MaxSizeBytes = 10 * GiB;
                    p.MultipartThresholdBytes = 6 * GiB;
                })
                .AddS3PresignedPut("secure", p =>
                {
                    p.AllowedContentTypes.Add("image/png");
                    p.RequireContentMd5 = true;
                })
                .AddS3PresignedPut("owned", p =>
                {
                    p.AllowedContentTypes.Add("image/png");
                    p.ScopeToOwner = true;
                })
                .AddS3PresignedPut("meta", p =>
                {
                    p.AllowedContentTypes.Add("image/png");
                    p.Metadata["source"] = "web";
                    p.AllowedMetadataKeys.Add("camera");
                    p.AllowedMetadataKeys.Add("lens");
                    p.AllowedMetadataKeys.Add("source");
                })
                .AddS3PresignedPut("custom", p =>
                {
                    p.AllowedContentTypes.Add("image/png");
                    p.KeyPrefix = "custom/";
                    p.KeyStrategy = new FixedKeyStrategy("../escape.png");
                }),
            client: client.Object);
        return (services, credentials);
    }

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services, UploadMethod? issuer) =>
        issuer is { } method ? services.GetRequiredKeyedService<IUploadPolicyIssuer>(method) : services.GetRequiredService<IUploadPolicyIssuer>();
}
