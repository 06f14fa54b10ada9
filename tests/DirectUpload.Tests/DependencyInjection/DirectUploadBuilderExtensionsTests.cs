using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DirectUpload.Tests.DependencyInjection;

public class DirectUploadBuilderExtensionsTests
{
    [Fact]
    public void AddS3PresignedPutAndPost_SetTheMethodAndConfigureTheProfile()
    {
        using var provider = TestServices.Build(b => b
            .AddS3PresignedPut("photos", p => p.MaxSizeBytes = 5)
            .AddS3PresignedPost("docs", p => p.KeyPrefix = "docs/")
            .AddProfile("auto", p => p.Method = UploadMethod.Auto)
            .AddProfile("photos", p => p.AllowedContentTypes.Add("*/*"))
            .AddProfile("docs", p => p.AllowedContentTypes.Add("*/*"))
            .AddProfile("auto", p => p.AllowedContentTypes.Add("*/*")));

        var options = provider.GetRequiredService<IOptionsMonitor<DirectUploadOptions>>().CurrentValue;

        options.Profiles["photos"].Method.Should().Be(UploadMethod.Put);
        options.Profiles["photos"].MaxSizeBytes.Should().Be(5);
        options.Profiles["docs"].Method.Should().Be(UploadMethod.Post);
        options.Profiles["docs"].KeyPrefix.Should().Be("docs/");
        options.Profiles["auto"].Method.Should().Be(UploadMethod.Auto);
    }

    [Fact]
    public void AddProfile_SameNameTwice_ConfiguresOneProfileInOrder()
    {
        using var provider = TestServices.Build(b => b
            .AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/png"))
            .AddProfile("PHOTOS", p => p.AllowedContentTypes.Add("image/jpeg")));

        var options = provider.GetRequiredService<IOptionsMonitor<DirectUploadOptions>>().CurrentValue;

        options.Profiles.Should().ContainSingle();
        options.Profiles["Photos"].AllowedContentTypes.Should().Equal("image/png", "image/jpeg");
    }

    [Fact]
    public async Task UseObjectKeyStrategy_ResolvesTheStrategyFromDi()
    {
        using var provider = TestServices.Build(b =>
        {
            b.Services.AddSingleton(new CountingStrategy());
            b.AddS3PresignedPut("photos", p =>
            {
                p.AllowedContentTypes.Add("image/*");
                p.KeyPrefix = "p/";
            }).UseObjectKeyStrategy<CountingStrategy>("photos");
        });

        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request());

        grant.Key.Should().Be("p/counted-1.bin");
        provider.GetRequiredService<CountingStrategy>().Calls.Should().Be(1);
    }

    [Fact]
    public void UseObjectKeyStrategy_NotRegistered_RegistersItAsSingleton()
    {
        var services = new ServiceCollection();

        services.AddDirectUploads().UseObjectKeyStrategy<CountingStrategy>("photos");

        services.Should().ContainSingle(d => d.ServiceType == typeof(CountingStrategy)).Which.Lifetime.Should().Be(ServiceLifetime.Singleton);
    }

    [Fact]
    public void Extensions_NullArguments_ThrowWithParameterNames()
    {
        var builder = new ServiceCollection().AddDirectUploads();

        Assert.Throws<ArgumentNullException>("builder", () => DirectUploadBuilderExtensions.AddProfile(null!, "p", _ => { }));
        Assert.Throws<ArgumentNullException>("name", () => builder.AddProfile(null!, _ => { }));
        Assert.Throws<ArgumentException>("name", () => builder.AddProfile(" ", _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddProfile("p", null!));
        Assert.Throws<ArgumentNullException>("builder", () => DirectUploadBuilderExtensions.AddS3PresignedPut(null!, "p", _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddS3PresignedPut("p", null!));
        Assert.Throws<ArgumentException>("name", () => builder.AddS3PresignedPut("", _ => { }));
        Assert.Throws<ArgumentNullException>("builder", () => DirectUploadBuilderExtensions.AddS3PresignedPost(null!, "p", _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddS3PresignedPost("p", null!));
        Assert.Throws<ArgumentNullException>("name", () => builder.AddS3PresignedPost(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("builder", () => DirectUploadBuilderExtensions.UseObjectKeyStrategy<CountingStrategy>(null!, "p"));
        Assert.Throws<ArgumentException>("profile", () => builder.UseObjectKeyStrategy<CountingStrategy>("  "));
    }

    public sealed class CountingStrategy : IObjectKeyStrategy
    {
        private int _calls;

        public int Calls => _calls;

        public string CreateKey(in ObjectKeyArguments args) => $"counted-{Interlocked.Increment(ref _calls)}.bin";
    }
}
