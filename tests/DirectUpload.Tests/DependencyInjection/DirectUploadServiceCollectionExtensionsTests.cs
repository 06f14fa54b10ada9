using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload.Internal;
using DirectUpload.S3.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DirectUpload.Tests.DependencyInjection;

public class DirectUploadServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDirectUploads_CalledTwice_AddsNothingTheSecondTime()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads();
        var count = services.Count;
        var descriptors = services.ToList();
        services.AddDirectUploads();

        services.Should().HaveCount(count);
        services.Should().Equal(descriptors);
    }

    [Fact]
    public void AddDirectUploads_WithConfigure_AddsOnlyTheConfigurationTheSecondTime()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads(o => o.BucketName = "a");
        var count = services.Count;
        services.AddDirectUploads(o => o.TokenSigningKey = TestServices.TokenKey);

        services.Should().HaveCount(count + 1);
        services.Last().ServiceType.Should().Be<IConfigureOptions<DirectUploadOptions>>();
    }

    [Fact]
    public void AddDirectUploads_ReturnsBuilderOverTheSameServices()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads().Services.Should().BeSameAs(services);
        services.AddDirectUploads(_ => { }).Services.Should().BeSameAs(services);
    }

    [Fact]
    public void AddDirectUploads_Resolve_RegistersTheServicesOfTheDesign()
    {
        using var services = CreateServices();

        services.GetRequiredService<IUploadPolicyIssuer>().Should().BeOfType<GrantPipeline>();
        services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put).Should().BeOfType<GrantPipeline>();
        services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Post).Should().BeOfType<GrantPipeline>();
        services.GetRequiredService<IUploadTokenService>().Should().BeOfType<UploadTokenService>();
        services.GetRequiredService<IUploadPolicyIssuer>().Should().BeSameAs(services.GetRequiredService<IUploadPolicyIssuer>(), "issuers are singletons");
        services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put).Should().BeSameAs(services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put));
        services.GetRequiredService<ProfileRegistry>().Should().BeSameAs(services.GetRequiredService<ProfileRegistry>(), "profiles are resolved once, in one registry");
    }

    [Fact]
    public void AddDirectUploads_TimeProviderRegisteredBefore_KeepsIt()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        services.AddDirectUploads();

        services.BuildServiceProvider().GetRequiredService<TimeProvider>().Should().BeSameAs(clock);
    }

    [Fact]
    public void AddDirectUploads_NoTimeProviderRegistered_UsesTheSystemClock()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads();

        services.BuildServiceProvider().GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public void AddDirectUploads_RegistersValidateOnStart()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads();

        services.Should().Contain(d => d.ServiceType == typeof(IStartupValidator), "ValidateOnStart registers the startup validator");
        services.Should().Contain(d => d.ServiceType == typeof(IValidateOptions<DirectUploadOptions>) && d.ImplementationType == typeof(DirectUploadOptionsValidator));
    }

    [Fact]
    public void StartupValidator_InvalidOptions_ThrowsNamingTheProblems()
    {
        var services = new ServiceCollection();
        services.AddDirectUploads(o => o.BucketName = TestServices.Bucket).AddS3PresignedPut("photos", p => p.Expiry = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("TokenSigningKey", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Profile 'photos'", StringComparison.Ordinal) && f.Contains("Expiry", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("AllowedContentTypes", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_InvalidOptions_ResolvingThemThrows()
    {
        var services = new ServiceCollection();
        services.AddDirectUploads();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<DirectUploadOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.OptionsType.Should().Be<DirectUploadOptions>();
    }

    [Fact]
    public async Task IssueAsync_InvalidOptions_ThrowsValidationNotARejection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonS3>(TestServices.CreateClient());
        services.AddDirectUploads(o => o.BucketName = TestServices.Bucket).AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*"));
        using var provider = services.BuildServiceProvider();

        var act = async () => await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request());

        await act.Should().ThrowAsync<OptionsValidationException>();
    }

    [Fact]
    public void StartupValidator_ValidOptions_DoesNotThrow()
    {
        using var provider = CreateServices();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().NotThrow();
    }

    [Fact]
    public async Task IssueAsync_NoLoggerFactoryRegistered_Works()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonS3>(TestServices.CreateClient());
        services.AddDirectUploads(o =>
        {
            o.BucketName = TestServices.Bucket;
            o.TokenSigningKey = TestServices.TokenKey;
        }).AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*")).AddS3PresignedPost("docs", p => p.AllowedContentTypes.Add("image/*"));
        using var provider = services.BuildServiceProvider();
        provider.GetService<ILoggerFactory>().Should().BeNull();

        var put = await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request());
        var post = await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request(profile: "docs"));
        var rejected = async () => await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request(profile: "nope"));

        put.Method.Should().Be("PUT");
        post.Method.Should().Be("POST");
        await rejected.Should().ThrowAsync<UploadRejectedException>();
    }

    [Fact]
    public async Task IssueAsync_S3ClientServiceKey_UsesTheKeyedClient()
    {
        using var provider = TestServices.Build(
            b =>
            {
                b.Services.AddKeyedSingleton<IAmazonS3>("uploads", TestServices.CreateClient(new BasicAWSCredentials("AKIDKEYED", "keyed-secret"), "eu-central-1"));
                b.AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*"));
            },
            client: TestServices.CreateClient(region: "us-west-2"),
            options: o => o.S3ClientServiceKey = "uploads");

        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request());

        grant.Url.Should().StartWith($"https://{TestServices.Bucket}.s3.eu-central-1.amazonaws.com/");
        QueryString.Parameters(grant.Url)["X-Amz-Credential"].Should().StartWith("AKIDKEYED/20261121/eu-central-1/");
        QueryString.Parameters(grant.Url)["X-Amz-Signature"].Should().Be(SigV4Verifier.ExpectedUrlSignature("PUT", grant.Url, grant.Headers, "keyed-secret"));
    }

    [Fact]
    public void S3ClientContext_KeyedClientMissing_RequiredClientNamesTheKey()
    {
        using var provider = TestServices.Build(b => b.AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*")), options: o => o.S3ClientServiceKey = "missing-key");

        var act = () => provider.GetRequiredService<S3ClientContext>().RequiredClient;

        act.Should().Throw<InvalidOperationException>().WithMessage("*'missing-key'*S3ClientServiceKey*");
    }

    [Fact]
    public void AddDirectUploads_NullServices_ThrowsWithParameterName()
    {
        Assert.Throws<ArgumentNullException>("services", () => DirectUploadServiceCollectionExtensions.AddDirectUploads(null!));
        Assert.Throws<ArgumentNullException>("services", () => DirectUploadServiceCollectionExtensions.AddDirectUploads(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddDirectUploads(null!));
    }

    [Fact]
    public async Task IssueAsync_NullRequest_ThrowsWithParameterName()
    {
        using var provider = CreateServices();

        await Assert.ThrowsAsync<ArgumentNullException>("request", async () => await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("request", async () => await provider.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put).IssueAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("request", async () => await provider.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Post).IssueAsync(null!));
    }

    private static ServiceProvider CreateServices() =>
        TestServices.Build(b => b.AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*")));
}
