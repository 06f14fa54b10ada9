using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Grants;

public class GrantPipelineTests
{
    private const long Threshold = 100L * 1024 * 1024;

    [Theory]
    [InlineData("put", 1, "PUT")]
    [InlineData("post", 1, "POST")]
    [InlineData("auto", 1, "PUT")]
    [InlineData("auto", Threshold - 1, "PUT")]
    public async Task IssueAsync_ProfileMethod_SignsWithThatMethod(string profile, long size, string expectedMethod)
    {
        using var services = CreateServices();

        var grant = await CreateSut(services).IssueAsync(TestServices.Request(profile: profile, size: size));

        grant.Method.Should().Be(expectedMethod);
        (expectedMethod == "PUT" ? grant.Fields : grant.Headers).Should().BeEmpty();
    }

    [Theory]
    [InlineData("auto", Threshold)]
    [InlineData("auto", Threshold + 1)]
    [InlineData("multipart", 1)]
    public async Task IssueAsync_MultipartUpload_RejectsWithMethodNotAllowed(string profile, long size)
    {
        using var services = CreateServices();

        var act = async () => await CreateSut(services).IssueAsync(TestServices.Request(profile: profile, size: size));

        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.MethodNotAllowed);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("")]
    public async Task IssueAsync_UnknownProfile_RejectsWithUnknownProfile(string profile)
    {
        using var services = CreateServices();

        var act = async () => await CreateSut(services).IssueAsync(TestServices.Request(profile: profile));

        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.UnknownProfile);
    }

    [Fact]
    public async Task IssueAsync_ProfileNameInOtherCase_FindsTheProfile()
    {
        using var services = CreateServices();

        var grant = await CreateSut(services).IssueAsync(TestServices.Request(profile: "POST"));

        grant.Method.Should().Be("POST");
        services.GetRequiredService<IUploadTokenService>().ValidateToken(grant.Token).Profile.Should().Be("post", "tokens carry the configured spelling of the profile");
    }

    [Fact]
    public async Task IssueAsync_KeyedIssuers_IgnoreTheProfileMethod()
    {
        using var services = CreateServices();

        var put = await services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put).IssueAsync(TestServices.Request(profile: "post"));
        var post = await services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Post).IssueAsync(TestServices.Request(profile: "put"));

        put.Method.Should().Be("PUT");
        post.Method.Should().Be("POST");
    }

    private static ServiceProvider CreateServices() => TestServices.Build(b => b
        .AddS3PresignedPut("put", p => p.AllowedContentTypes.Add("image/*"))
        .AddS3PresignedPost("post", p => p.AllowedContentTypes.Add("image/*"))
        .AddProfile("auto", p =>
        {
            p.Method = UploadMethod.Auto;
            p.AllowedContentTypes.Add("image/*");
            p.MaxSizeBytes = 2 * Threshold;
            p.MultipartThresholdBytes = Threshold;
        })
        .AddProfile("multipart", p =>
        {
            p.Method = UploadMethod.Multipart;
            p.AllowedContentTypes.Add("image/*");
        }));

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services) => services.GetRequiredService<IUploadPolicyIssuer>();
}
