using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DirectUpload.Tests;

public class DirectUploadOptionsTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["DirectUpload:BucketName"] = "configured-bucket",
        ["DirectUpload:TokenSigningKey"] = TestServices.TokenKey,
        ["DirectUpload:PreviousTokenSigningKeys:0"] = TestServices.OtherTokenKey,
        ["DirectUpload:Profiles:Photos:Method"] = "Post",
        ["DirectUpload:Profiles:Photos:KeyPrefix"] = "photos/",
        ["DirectUpload:Profiles:Photos:AllowedContentTypes:0"] = "image/*",
        ["DirectUpload:Profiles:Photos:AllowedContentTypes:1"] = "application/pdf",
        ["DirectUpload:Profiles:Photos:MinSizeBytes"] = "10",
        ["DirectUpload:Profiles:Photos:MaxSizeBytes"] = "5242880",
        ["DirectUpload:Profiles:Photos:Expiry"] = "00:05:00",
        ["DirectUpload:Profiles:Photos:RequireContentMd5"] = "false",
        ["DirectUpload:Profiles:Photos:ScopeToOwner"] = "true",
        ["DirectUpload:Profiles:Photos:Metadata:source"] = "web",
        ["DirectUpload:Profiles:Photos:AllowedMetadataKeys:0"] = "camera",
        ["DirectUpload:Profiles:Photos:ServerSideEncryption"] = "AES256",
        ["DirectUpload:Profiles:Photos:CacheControl"] = "max-age=60",
        ["DirectUpload:Profiles:Big:Method"] = "Auto",
        ["DirectUpload:Profiles:Big:BucketName"] = "big-bucket",
        ["DirectUpload:Profiles:Big:AllowedContentTypes:0"] = "*/*",
        ["DirectUpload:Profiles:Big:MaxSizeBytes"] = "32212254720",
        ["DirectUpload:Profiles:Big:PartSizeBytes"] = "67108864",
    };

    [Fact]
    public void Configure_FromConfigurationSection_BindsEveryMember()
    {
        using var provider = CreateServices();

        var options = provider.GetRequiredService<IOptions<DirectUploadOptions>>().Value;

        options.BucketName.Should().Be("configured-bucket");
        options.TokenSigningKey.Should().Be(TestServices.TokenKey);
        options.PreviousTokenSigningKeys.Should().Equal(TestServices.OtherTokenKey);
        options.Profiles.Keys.Should().BeEquivalentTo("Photos", "Big");
        var photos = options.Profiles["photos"];
        photos.Method.Should().Be(UploadMethod.Post);
        photos.KeyPrefix.Should().Be("photos/");
        photos.AllowedContentTypes.Should().Equal("image/*", "application/pdf");
        photos.MinSizeBytes.Should().Be(10);
        photos.MaxSizeBytes.Should().Be(5_242_880);
        photos.Expiry.Should().Be(TimeSpan.FromMinutes(5));
        photos.ScopeToOwner.Should().BeTrue();
        photos.Metadata.Should().Equal(new Dictionary<string, string> { ["source"] = "web" });
        photos.Metadata.Should().ContainKey("SOURCE", "the bound dictionary keeps its case-insensitive comparer");
        photos.AllowedMetadataKeys.Should().Equal("camera");
        photos.ServerSideEncryption.Should().Be("AES256");
        photos.CacheControl.Should().Be("max-age=60");
        var big = options.Profiles["BIG"];
        big.Method.Should().Be(UploadMethod.Auto);
        big.BucketName.Should().Be("big-bucket");
        big.MaxSizeBytes.Should().Be(30L * 1024 * 1024 * 1024);
        big.PartSizeBytes.Should().Be(64L * 1024 * 1024);
    }

    [Fact]
    public async Task IssueAsync_ProfileBoundFromConfiguration_IssuesAPostGrant()
    {
        using var provider = CreateServices();

        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(
            TestServices.Request(profile: "photos", contentType: "image/webp", owner: "alice", size: 100));

        grant.Method.Should().Be("POST");
        grant.Url.Should().Be("https://configured-bucket.s3.us-east-1.amazonaws.com/");
        grant.Key.Should().StartWith("photos/users/alice/");
        grant.ExpiresAt.Should().Be(TestServices.Now.AddMinutes(5));
        grant.Fields.Should().Contain("x-amz-meta-source", "web").And.Contain("x-amz-server-side-encryption", "AES256");
    }

    [Fact]
    public void Configure_BadValueInConfiguration_FailsValidationNamingIt()
    {
        using var provider = CreateServices(new() { ["DirectUpload:Profiles:Photos:Expiry"] = "8.00:00:00" });

        var act = () => provider.GetRequiredService<IOptions<DirectUploadOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().ContainAll("Profile 'Photos'", "Expiry", "8.00:00:00");
    }

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new DirectUploadOptions();
        var profile = new UploadProfileOptions();

        options.Profiles.Should().BeEmpty();
        options.PreviousTokenSigningKeys.Should().BeEmpty();
        options.BucketName.Should().BeNull();
        options.TokenSigningKey.Should().BeNull();
        options.S3ClientServiceKey.Should().BeNull();
        options.UploadSigningClientServiceKey.Should().BeNull();
        profile.PreventOverwrite.Should().BeTrue();
        profile.ObjectAcl.Should().Be("bucket-owner-full-control");
        profile.SealObjectHeaders.Should().BeTrue();
        profile.Method.Should().Be(UploadMethod.Put);
        profile.KeyPrefix.Should().BeEmpty();
        profile.MinSizeBytes.Should().Be(1);
        profile.MaxSizeBytes.Should().Be(10L * 1024 * 1024);
        profile.Expiry.Should().Be(TimeSpan.FromMinutes(15));
        profile.MultipartThresholdBytes.Should().Be(100L * 1024 * 1024);
        profile.PartSizeBytes.Should().Be(16L * 1024 * 1024);
        profile.AllowedContentTypes.Should().BeEmpty();
        profile.Metadata.Should().BeEmpty();
        profile.RequireContentMd5.Should().BeFalse();
        profile.ScopeToOwner.Should().BeFalse();
        profile.KeyStrategy.Should().BeNull();
    }

    private static ServiceProvider CreateServices(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestServices.Now));
        services.AddSingleton<Amazon.S3.IAmazonS3>(TestServices.CreateClient());
        services.AddDirectUploads();
        services.Configure<DirectUploadOptions>(configuration.GetSection("DirectUpload"));
        return services.BuildServiceProvider();
    }
}
