using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Tests.Internal;

public class LogTests
{
    private const string FileName = "Secret Holiday Plans.JPG";

    [Theory]
    [InlineData("photos")]
    [InlineData("docs")]
    public async Task IssueAsync_Granted_LogsGrantIssuedAtDebugWithoutKeyUrlOrSignature(string profile)
    {
        var (services, logs) = CreateServices();
        using var _ = services;

        var grant = await CreateSut(services).IssueAsync(TestServices.Request(profile: profile, fileName: FileName));

        var issued = logs.Records.Should().ContainSingle(r => r.EventId.Id == 1).Subject;
        issued.EventId.Name.Should().Be("GrantIssued");
        issued.Level.Should().Be(LogLevel.Debug);
        issued.Category.Should().Be("DirectUpload");
        issued.Message.Should().Contain(profile).And.Contain(grant.Method).And.Contain("1234");
        issued.Message.Should().NotContainAny(grant.Key, grant.Url, FileName, "X-Amz-Signature", grant.Token);
    }

    [Fact]
    public async Task IssueAsync_Granted_KeyAndFileNameOnlyInTheTraceEvent()
    {
        var (services, logs) = CreateServices();
        using var _ = services;

        var grant = await CreateSut(services).IssueAsync(TestServices.Request(fileName: FileName));

        var key = logs.Records.Should().ContainSingle(r => r.EventId.Id == 3).Subject;
        key.EventId.Name.Should().Be("GrantKey");
        key.Level.Should().Be(LogLevel.Trace);
        key.Message.Should().Contain(grant.Key).And.Contain(FileName);
        logs.Records.Where(r => r.Level > LogLevel.Trace).Should().NotContain(r => r.Message.Contains(grant.Key) || r.Message.Contains(FileName));
    }

    [Theory]
    [InlineData("nope", "unknown_profile", "(unknown)")]
    [InlineData("photos", "content_type_not_allowed", "photos")]
    public async Task IssueAsync_Rejected_LogsGrantRejectedWithTheReasonCode(string profile, string code, string loggedProfile)
    {
        var (services, logs) = CreateServices();
        using var _ = services;

        var act = async () => await CreateSut(services).IssueAsync(TestServices.Request(profile: profile, contentType: "video/mp4", fileName: FileName));
        await act.Should().ThrowAsync<UploadRejectedException>();

        var rejected = logs.Records.Should().ContainSingle(r => r.EventId.Id == 2).Subject;
        rejected.EventId.Name.Should().Be("GrantRejected");
        rejected.Level.Should().Be(LogLevel.Information);
        rejected.Message.Should().Contain(code).And.Contain(loggedProfile).And.NotContain(FileName);
        logs.Records.Should().NotContain(r => r.EventId.Id == 1 || r.EventId.Id == 3);
    }

    [Fact]
    public async Task IssueAsync_AnyOutcome_NoRecordAtAnyLevelCarriesASecret()
    {
        var (services, logs) = CreateServices(TestServices.CreateClient(new Amazon.Runtime.SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken)));
        using var _ = services;
        var sut = CreateSut(services);

        var put = await sut.IssueAsync(TestServices.Request(md5: TestServices.HelloMd5));
        var post = await sut.IssueAsync(TestServices.Request(profile: "docs"));
        var rejected = async () => await sut.IssueAsync(TestServices.Request(size: -1));
        await rejected.Should().ThrowAsync<UploadRejectedException>();

        logs.Records.Should().NotBeEmpty();
        var secrets = new[]
        {
            TestServices.SecretKey, TestServices.SessionToken, TestServices.TokenKey, "X-Amz-Signature", "x-amz-signature", "Signature",
            QueryString.Parameters(put.Url)["X-Amz-Signature"], post.Fields["x-amz-signature"], post.Fields["policy"], put.Token, post.Token, put.Url,
        };
        foreach (var record in logs.Records)
        {
            record.Message.Should().NotContainAny(secrets);
            record.Exception.Should().BeNull();
        }
    }

    private static (ServiceProvider Services, FakeLoggerProvider Logs) CreateServices(Amazon.S3.IAmazonS3? client = null)
    {
        var logs = new FakeLoggerProvider();
        var services = TestServices.Build(
            b => b
                .AddS3PresignedPut("photos", p =>
                {
                    p.AllowedContentTypes.Add("image/*");
                    p.Metadata["source"] = "web";
                })
                .AddS3PresignedPost("docs", p => p.AllowedContentTypes.Add("image/*")),
            client: client,
            loggerProvider: logs);
        return (services, logs);
    }

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services) => services.GetRequiredService<IUploadPolicyIssuer>();
}
