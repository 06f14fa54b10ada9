using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Internal;

public class DirectUploadOptionsValidatorTests
{
    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>One case per rule: a mutation of valid options, and what the one failure message must name.</summary>
    private static readonly Dictionary<string, (Action<DirectUploadOptions, UploadProfileOptions> Break, string[] Named)> Rules = new()
    {
        ["TokenSigningKey missing"] = ((o, _) => o.TokenSigningKey = null, ["TokenSigningKey"]),
        ["TokenSigningKey not base64"] = ((o, _) => o.TokenSigningKey = "not base64!", ["TokenSigningKey", "base64"]),
        ["TokenSigningKey too short"] = ((o, _) => o.TokenSigningKey = Convert.ToBase64String(new byte[31]), ["TokenSigningKey", "32 bytes"]),
        ["PreviousTokenSigningKeys entry bad"] = ((o, _) => { o.PreviousTokenSigningKeys.Add(TestServices.OtherTokenKey); o.PreviousTokenSigningKeys.Add("short"); }, ["PreviousTokenSigningKeys[1]"]),
        ["Profiles empty"] = ((o, _) => o.Profiles.Clear(), ["Profiles"]),
        ["profile name with space"] = ((o, p) => Rename(o, "bad name"), ["'bad name'", "name"]),
        ["profile name too long"] = ((o, p) => Rename(o, new string('n', 65)), [new string('n', 65), "name"]),
        ["profile null"] = ((o, p) => o.Profiles["photos"] = null!, ["'photos'", "null"]),
        ["Method undefined"] = ((_, p) => p.Method = (UploadMethod)42, ["'photos'", "Method", "'42'"]),
        ["BucketName missing"] = ((o, p) => o.BucketName = null, ["'photos'", "BucketName"]),
        ["BucketName too short"] = ((_, p) => p.BucketName = "ab", ["'photos'", "BucketName", "'ab'"]),
        ["BucketName bad characters"] = ((_, p) => p.BucketName = "my bucket!", ["'photos'", "BucketName", "'my bucket!'"]),
        ["KeyPrefix leading slash"] = ((_, p) => p.KeyPrefix = "/photos/", ["'photos'", "KeyPrefix", "'/photos/'"]),
        ["KeyPrefix without trailing slash"] = ((_, p) => p.KeyPrefix = "photos", ["'photos'", "KeyPrefix", "'photos'"]),
        ["KeyPrefix dot-dot segment"] = ((_, p) => p.KeyPrefix = "a/../b/", ["'photos'", "KeyPrefix", "'a/../b/'"]),
        ["KeyPrefix empty segment"] = ((_, p) => p.KeyPrefix = "a//", ["'photos'", "KeyPrefix", "'a//'"]),
        ["KeyPrefix control char"] = ((_, p) => p.KeyPrefix = "a\u0001/", ["'photos'", "KeyPrefix"]),
        ["KeyPrefix too long"] = ((_, p) => p.KeyPrefix = new string('p', 512) + "/", ["'photos'", "KeyPrefix", new string('p', 512)]),
        ["AllowedContentTypes empty"] = ((_, p) => p.AllowedContentTypes.Clear(), ["'photos'", "AllowedContentTypes"]),
        ["AllowedContentTypes bare type"] = ((_, p) => p.AllowedContentTypes.Add("image"), ["'photos'", "AllowedContentTypes", "'image'"]),
        ["AllowedContentTypes type wildcard"] = ((_, p) => p.AllowedContentTypes.Add("*/png"), ["'photos'", "AllowedContentTypes", "'*/png'"]),
        ["AllowedContentTypes with parameters"] = ((_, p) => p.AllowedContentTypes.Add("text/plain; charset=utf-8"), ["'photos'", "AllowedContentTypes", "'text/plain; charset=utf-8'"]),
        ["MinSizeBytes negative"] = ((_, p) => p.MinSizeBytes = -1, ["'photos'", "MinSizeBytes", "-1"]),
        ["MaxSizeBytes zero"] = ((_, p) => { p.MinSizeBytes = 0; p.MaxSizeBytes = 0; }, ["'photos'", "MaxSizeBytes", "(0)"]),
        ["MaxSizeBytes below MinSizeBytes"] = ((_, p) => { p.MinSizeBytes = 100; p.MaxSizeBytes = 50; }, ["'photos'", "MaxSizeBytes", "50", "100"]),
        ["MaxSizeBytes above 5 GiB for PUT"] = ((_, p) => p.MaxSizeBytes = (5 * GiB) + 1, ["'photos'", "MaxSizeBytes", "5368709121", "5 GiB"]),
        ["MaxSizeBytes above 5 GiB for POST"] = ((_, p) => { p.Method = UploadMethod.Post; p.MaxSizeBytes = 6 * GiB; }, ["'photos'", "MaxSizeBytes", "6442450944", "Post"]),
        ["MaxSizeBytes above 10,000 parts"] = ((_, p) => { p.Method = UploadMethod.Multipart; p.MaxSizeBytes = (10_000 * 5 * GiB) + 1; }, ["'photos'", "MaxSizeBytes", "53687091200001"]),
        ["MaxPartUrlsPerRequest zero"] = ((_, p) => p.MaxPartUrlsPerRequest = 0, ["'photos'", "MaxPartUrlsPerRequest", "(0)"]),
        ["MaxPartUrlsPerRequest above 1000"] = ((_, p) => p.MaxPartUrlsPerRequest = 1001, ["'photos'", "MaxPartUrlsPerRequest", "1001"]),
        ["Expiry zero"] = ((_, p) => p.Expiry = TimeSpan.Zero, ["'photos'", "Expiry", "00:00:00"]),
        ["Expiry below a second"] = ((_, p) => p.Expiry = TimeSpan.FromMilliseconds(500), ["'photos'", "Expiry", "00:00:00.5"]),
        ["Expiry above 7 days"] = ((_, p) => p.Expiry = TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), ["'photos'", "Expiry", "7.00:00:01"]),
        ["ServerSideEncryption unknown"] = ((_, p) => p.ServerSideEncryption = "aes256", ["'photos'", "ServerSideEncryption", "'aes256'"]),
        ["ObjectAcl public"] = ((_, p) => p.ObjectAcl = "public-read", ["'photos'", "ObjectAcl", "'public-read'"]),
        ["ObjectAcl empty"] = ((_, p) => p.ObjectAcl = "", ["'photos'", "ObjectAcl", "''"]),
        ["UploadSigningClientServiceKey blank"] = ((o, _) => o.UploadSigningClientServiceKey = " ", ["UploadSigningClientServiceKey", "' '"]),
        ["UploadSigningClientServiceKey same as S3ClientServiceKey"] = ((o, _) => { o.S3ClientServiceKey = "s3"; o.UploadSigningClientServiceKey = "s3"; }, ["UploadSigningClientServiceKey", "'s3'", "S3ClientServiceKey"]),
        ["KmsKeyId without KMS"] = ((_, p) => { p.ServerSideEncryption = "AES256"; p.KmsKeyId = "alias/k"; }, ["'photos'", "KmsKeyId", "'AES256'"]),
        ["KmsKeyId control char"] = ((_, p) => { p.ServerSideEncryption = "aws:kms"; p.KmsKeyId = "alias/\n"; }, ["'photos'", "KmsKeyId"]),
        ["StorageClass empty"] = ((_, p) => p.StorageClass = "", ["'photos'", "StorageClass", "''"]),
        ["StorageClass non-ASCII"] = ((_, p) => p.StorageClass = "STÄNDARD", ["'photos'", "StorageClass", "'STÄNDARD'"]),
        ["CacheControl CRLF"] = ((_, p) => p.CacheControl = "max-age=1\r\nx: y", ["'photos'", "CacheControl", "max-age=1"]),
        ["ContentDisposition too long"] = ((_, p) => p.ContentDisposition = new string('d', 1025), ["'photos'", "ContentDisposition", new string('d', 1025)]),
        ["Metadata key bad"] = ((_, p) => p.Metadata["bad key"] = "v", ["'photos'", "Metadata key", "'bad key'"]),
        ["Metadata value non-ASCII"] = ((_, p) => p.Metadata["k"] = "vé", ["'photos'", "Metadata['k']", "'vé'"]),
        ["Metadata value padded"] = ((_, p) => p.Metadata["k"] = " v", ["'photos'", "Metadata['k']", "' v'"]),
        ["AllowedMetadataKeys bad"] = ((_, p) => p.AllowedMetadataKeys.Add("x y"), ["'photos'", "AllowedMetadataKeys", "'x y'"]),
        ["PartSizeBytes too small"] = ((_, p) => p.PartSizeBytes = (5 * 1024 * 1024) - 1, ["'photos'", "PartSizeBytes", "5242879"]),
        ["PartSizeBytes too large"] = ((_, p) => p.PartSizeBytes = (5 * GiB) + 1, ["'photos'", "PartSizeBytes", "5368709121"]),
        ["MultipartLifetime too short"] = ((_, p) => p.MultipartLifetime = TimeSpan.FromSeconds(59), ["'photos'", "MultipartLifetime", "00:00:59"]),
        ["MultipartLifetime too long"] = ((_, p) => p.MultipartLifetime = TimeSpan.FromDays(8), ["'photos'", "MultipartLifetime", "8.00:00:00"]),
        ["ConfirmationGracePeriod negative"] = ((_, p) => p.ConfirmationGracePeriod = TimeSpan.FromSeconds(-1), ["'photos'", "ConfirmationGracePeriod", "-00:00:01"]),
        ["ConfirmationGracePeriod too long"] = ((_, p) => p.ConfirmationGracePeriod = TimeSpan.FromDays(7.5), ["'photos'", "ConfirmationGracePeriod", "7.12:00:00"]),
        ["MultipartThresholdBytes zero"] = ((_, p) => p.MultipartThresholdBytes = 0, ["'photos'", "MultipartThresholdBytes", "(0)"]),
    };

    public static TheoryData<string> RuleNames() => [.. Rules.Keys];

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Validate_OneRuleBroken_FailsOnceNamingProfileMemberAndValue(string rule)
    {
        var (options, profile) = CreateValidOptions();
        var (breakIt, named) = Rules[rule];
        breakIt(options, profile);

        var result = CreateSut().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().ContainAll(named);
    }

    [Theory]
    [InlineData("TokenSigningKey too short")]
    [InlineData("TokenSigningKey not base64")]
    [InlineData("PreviousTokenSigningKeys entry bad")]
    public void Validate_BadTokenKey_DoesNotEchoTheSecret(string rule)
    {
        var (options, profile) = CreateValidOptions();
        Rules[rule].Break(options, profile);
        var secrets = options.PreviousTokenSigningKeys.Append(options.TokenSigningKey!).ToList();

        var result = CreateSut().Validate(null, options);

        result.FailureMessage.Should().NotContainAny(secrets);
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var (options, _) = CreateValidOptions();

        CreateSut().Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Validate_ValuesAtEveryBound_Succeeds()
    {
        var (options, profile) = CreateValidOptions();
        profile.Expiry = TimeSpan.FromSeconds(1);
        profile.MaxSizeBytes = 5 * GiB;
        profile.MinSizeBytes = 0;
        profile.KeyPrefix = "a/b-c_d/ü/";
        profile.AllowedContentTypes.Add("*/*");
        profile.AllowedContentTypes.Add("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        profile.ServerSideEncryption = "aws:kms:dsse";
        profile.KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/abcd";
        profile.PartSizeBytes = 5 * 1024 * 1024;
        profile.ConfirmationGracePeriod = TimeSpan.Zero;
        profile.MultipartLifetime = TimeSpan.FromDays(7);
        profile.ObjectAcl = "private";
        options.UploadSigningClientServiceKey = "upload-signing";
        options.Profiles["big"] = new UploadProfileOptions { Method = UploadMethod.Auto, MaxSizeBytes = 10_000 * 5 * GiB, Expiry = TimeSpan.FromDays(7), BucketName = "other.bucket-name" };
        options.Profiles["big"].AllowedContentTypes.Add("video/*");
        options.PreviousTokenSigningKeys.Add(TestServices.OtherTokenKey);

        var result = CreateSut().Validate(null, options);

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEach()
    {
        var (options, profile) = CreateValidOptions();
        options.TokenSigningKey = null;
        profile.Expiry = TimeSpan.Zero;
        profile.AllowedContentTypes.Clear();

        CreateSut().Validate(null, options).Failures.Should().HaveCount(3);
    }

    [Fact]
    public void Validate_NullOptions_ThrowsWithParameterName()
    {
        var act = () => CreateSut().Validate(null, null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    private static void Rename(DirectUploadOptions options, string name)
    {
        var profile = options.Profiles["photos"];
        options.Profiles.Remove("photos");
        options.Profiles[name] = profile;
    }

    private static (DirectUploadOptions Options, UploadProfileOptions Profile) CreateValidOptions()
    {
        var options = new DirectUploadOptions { BucketName = TestServices.Bucket, TokenSigningKey = TestServices.TokenKey };
        var profile = new UploadProfileOptions { KeyPrefix = "photos/" };
        profile.AllowedContentTypes.Add("image/*");
        options.Profiles["photos"] = profile;
        return (options, profile);
    }

    private static DirectUploadOptionsValidator CreateSut() => new();
}
